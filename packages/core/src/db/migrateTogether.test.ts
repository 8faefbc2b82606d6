import { afterAll, describe, expect, it } from 'vitest';
import { createTestPgDatabase } from '../testing';
import { type Database, isSharedDatabase, openDatabase } from './client';

describe('processes starting together on an empty Postgres', () => {
  const opened: Database[] = [];
  let drop = async () => {};
  afterAll(async () => {
    for (const d of opened) await d.close();
    await drop();
  });

  it('apply the migrations once between them (an advisory lock), and all start', async () => {
    const pg = await createTestPgDatabase();
    drop = pg.drop;
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () => openDatabase({ url: pg.url, poolSize: 1 })),
    );
    for (const r of results) if (r.status === 'fulfilled') opened.push(r.value);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(opened.every((d) => isSharedDatabase(d.db))).toBe(true);
  });
});
