import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../outbox/rows';
import { createTestPgDatabase } from '../testing';
import { type Database, openDatabase } from './client';

let database: Database;
let drop = async () => {};
beforeAll(async () => {
  const pg = await createTestPgDatabase();
  drop = pg.drop;
  database = await openDatabase({ url: pg.url, poolSize: 1 });
});
afterAll(async () => {
  await database?.close();
  await drop();
});

it('keeps its Postgres connections for the life of the process (a new one searches slowly at first)', async () => {
  // postgres.js replaces a connection after 30–60 minutes unless told otherwise.
  const client = (database.db as unknown as { $client: { options: { max_lifetime: number | null } } })
    .$client;
  expect(client.options.max_lifetime).toBeNull();
  const pid = async () =>
    rowsOf<{ pid: number }>(await database.db.execute(sql`select pg_backend_pid() as pid`))[0]?.pid;
  expect(await pid()).toBe(await pid());
});
