import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../outbox/rows';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { withCustomPlans } from './client';

const settings = sql`select current_setting('plan_cache_mode') as plans, current_setting('work_mem') as mem`;

describe.each(backends)('withCustomPlans on %s', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('plans its statements for their values, with room for bitmaps, and only its own', async () => {
    const db = env.database.db;
    const before = rowsOf<{ plans: string; mem: string }>(await db.execute(settings));
    const inside = await withCustomPlans(db, async (q) =>
      rowsOf<{ plans: string; mem: string }>(await q.execute(settings)),
    );
    const outside = rowsOf<{ plans: string; mem: string }>(await db.execute(settings));
    if (backend === 'postgres') {
      expect(inside).toEqual([{ plans: 'force_custom_plan', mem: '32MB' }]);
      // `set local`: the pool's connection goes back as it was.
      expect(outside).toEqual(before);
      expect(before[0]?.plans).toBe('auto');
    } else {
      // PGlite's statements are unnamed, planned for their values already: nothing is set.
      expect(inside).toEqual(outside);
    }
  });

  it("passes on the statement's error and leaves no transaction open", async () => {
    const db = env.database.db;
    await expect(withCustomPlans(db, (q) => q.execute(sql`select 1 / 0`))).rejects.toThrow();
    expect(rowsOf<{ one: number }>(await db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
  });
});
