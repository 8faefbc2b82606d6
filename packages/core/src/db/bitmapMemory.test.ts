import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../outbox/rows';
import { backends, createTestPgDatabase } from '../testing';
import { type Database, openDatabase, type Queryable, withBitmapMemory } from './client';

const workMem = sql`select current_setting('work_mem') as mem`;

describe.each(backends)('withBitmapMemory on %s', (backend) => {
  let database: Database;
  let drop = async () => {};
  beforeAll(async () => {
    if (backend === 'postgres') {
      const pg = await createTestPgDatabase();
      drop = pg.drop;
      // One connection: what runs after is on the very connection the transaction used.
      database = await openDatabase({ url: pg.url, poolSize: 1 });
    } else database = await openDatabase({});
  });
  afterAll(async () => {
    await database?.close();
    await drop();
  });
  const mem = async (q: Queryable) => rowsOf<{ mem: string }>(await q.execute(workMem))[0]?.mem;

  it('gives its statements room for bitmaps, and only its own (the connection goes back as it was)', async () => {
    const db = database.db;
    const before = await mem(db);
    const inside = await withBitmapMemory(db, mem);
    const after = await mem(db);
    expect(after).toBe(before);
    // PGlite's memory is the process's own: nothing is set there.
    expect(inside).toBe(backend === 'postgres' ? '32MB' : before);
  });

  it("passes on the statement's error and leaves no transaction open", async () => {
    const db = database.db;
    await expect(withBitmapMemory(db, (q) => q.execute(sql`select 1 / 0`))).rejects.toThrow();
    expect(rowsOf<{ one: number }>(await db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
    // A failed transaction's `set_config(…, true)` is undone too.
    if (backend === 'postgres') expect(await mem(db)).not.toBe('32MB');
  });
});
