import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { type PgColumn, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../db/schema';

/** A table whose rows are leased: who holds a row (`lease_owner`) and until when (`lease_expires_at`). */
export type LeaseTable = {
  name: string;
  table: PgTable;
  owner: PgColumn;
  expiresAt: PgColumn;
  /** The property of `lease_expires_at` in the Drizzle table (for `update().set()`). */
  expiresKey: string;
};

/**
 * Every leased table of the schema, found by its columns: a table with `lease_owner` and
 * `lease_expires_at` is one (messages, incoming_state, webhook_deliveries …). A new kind of lease is
 * released at start-up and when its holder dies without anyone listing it here.
 */
export function leaseTables(): LeaseTable[] {
  const found: LeaseTable[] = [];
  for (const value of Object.values(schema)) {
    if (!is(value, PgTable)) continue;
    const columns = Object.entries(getTableColumns(value));
    const owner = columns.find(([, c]) => c.name === 'lease_owner');
    const expires = columns.find(([, c]) => c.name === 'lease_expires_at');
    if (!owner || !expires) continue;
    found.push({
      name: getTableName(value),
      table: value,
      owner: owner[1],
      expiresAt: expires[1],
      expiresKey: expires[0],
    });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
