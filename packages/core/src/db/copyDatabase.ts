import { getTableColumns, getTableName, is, type SQL, sql } from 'drizzle-orm';
import { getTableConfig, type PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { releaseLeases } from '../leases/releaseLeases';
import { rowsOf } from '../outbox/rows';
import type { Db, Queryable } from './client';
import * as schema from './schema';

export type CopiedTable = { table: string; source: number; target: number };

export type CopyReport = {
  /** Every table of the schema, in the order copied (a table after the tables it refers to). */
  tables: CopiedTable[];
  /** Sequences set past the highest copied id (`logs.id` …). */
  sequences: string[];
  /** Tables in the target's `public` schema that the schema does not know (not copied). */
  unknownTables: string[];
};

export class CopyRefused extends Error {}

/**
 * Every table of the Drizzle schema, each after the tables its foreign keys point to, so rows can be
 * inserted in this order. Found from the schema itself: a new table (webhooks, suppressions …) is copied
 * without anyone listing it.
 */
export function tablesInDependencyOrder(): PgTable[] {
  const tables = (Object.values(schema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));
  const byName = new Map<string, PgTable>(tables.map((t) => [getTableName(t), t]));
  const ordered: PgTable[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: PgTable) => {
    const name = getTableName(t);
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`foreign keys form a cycle through ${name}`);
    state.set(name, 'visiting');
    for (const fk of getTableConfig(t).foreignKeys) {
      const target = getTableName(fk.reference().foreignTable);
      if (target !== name) visit(byName.get(target) ?? fk.reference().foreignTable);
    }
    state.set(name, 'done');
    ordered.push(t);
  };
  for (const t of [...tables].sort((a, b) => getTableName(a).localeCompare(getTableName(b)))) visit(t);
  return ordered;
}

/** The columns that order a table's rows for batches: its primary key. */
function keyOf(t: PgTable): PgColumn[] {
  const cfg = getTableConfig(t);
  const single = cfg.columns.filter((c) => c.primary);
  if (single.length > 0) return single;
  return cfg.primaryKeys[0]?.columns ?? [];
}

async function countRows(q: Queryable, t: PgTable): Promise<number> {
  const [row] = await q.select({ n: sql<number>`count(*)::int` }).from(t);
  return Number(row?.n ?? 0);
}

/**
 * Copies every row of every table from one database to another of the same schema (both migrated by the
 * same migrations): the embedded database into Postgres (`mailroom db copy`). Tables go in dependency
 * order, in batches read by primary key; sequences are set past the copied ids; row counts are compared
 * table by table. It all runs in one transaction on the target, so a copy that fails or does not match
 * leaves the target as it was. Stored secrets are copied as they are: still encrypted under the same key.
 * Leases are released in the copy (the source process is stopped: nobody holds them). A target with rows
 * is refused unless `force`, which empties its Mailroom tables first.
 */
export async function copyDatabase(opts: {
  from: Db;
  to: Db;
  force?: boolean;
  batchSize?: number;
  onTable?: (t: CopiedTable) => void;
}): Promise<CopyReport> {
  const tables = tablesInDependencyOrder();
  const names = tables.map((t) => getTableName(t));
  const now = new Date();
  return opts.to.transaction(async (tx) => {
    const existing = rowsOf<{ name: string }>(
      await tx.execute(
        sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
      ),
    ).map((r) => r.name);
    const missing = names.filter((n) => !existing.includes(n));
    if (missing.length > 0) {
      throw new CopyRefused(`the target lacks tables ${missing.join(', ')}: migrate it first`);
    }
    const nonEmpty: string[] = [];
    for (const t of tables) if ((await countRows(tx, t)) > 0) nonEmpty.push(getTableName(t));
    if (nonEmpty.length > 0) {
      if (!opts.force) {
        throw new CopyRefused(
          `the target database is not empty (rows in ${nonEmpty.join(', ')}); copy into an empty database, or pass --force to empty these tables first`,
        );
      }
      await tx.execute(sql.raw(`truncate table ${names.map((n) => `"${n}"`).join(', ')} cascade`));
    }
    const report: CopyReport = {
      tables: [],
      sequences: [],
      unknownTables: existing.filter((n) => !names.includes(n)).sort(),
    };
    for (const t of tables) {
      await copyTable(opts.from, tx, t, opts.batchSize ?? 500);
      const entry = {
        table: getTableName(t),
        source: await countRows(opts.from, t),
        target: await countRows(tx, t),
      };
      report.tables.push(entry);
      opts.onTable?.(entry);
      if (entry.source !== entry.target) {
        throw new Error(`${entry.table}: ${entry.source} rows in the source, ${entry.target} in the copy`);
      }
    }
    // Serial ids (the Main Log's) continue after the highest copied one.
    const serials = rowsOf<{ table_name: string; column_name: string }>(
      await tx.execute(
        sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and column_default like 'nextval(%'`,
      ),
    );
    for (const { table_name, column_name } of serials) {
      if (!names.includes(table_name)) continue;
      const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
      await tx.execute(
        sql.raw(
          `select setval(pg_get_serial_sequence('${q(table_name)}', '${column_name}'), coalesce(max(${q(column_name)}), 0) + 1, false) from ${q(table_name)}`,
        ),
      );
      report.sequences.push(`${table_name}.${column_name}`);
    }
    await releaseLeases(tx, 'all', now);
    return report;
  });
}

/** Copies one table in batches ordered by its primary key (keyset: each batch starts after the last). */
async function copyTable(from: Db, to: Queryable, t: PgTable, batchSize: number): Promise<void> {
  const key = keyOf(t);
  const columns = getTableConfig(t).columns.length || 1;
  // Postgres takes at most 65,535 parameters per statement.
  const size = Math.max(1, Math.min(batchSize, Math.floor(60_000 / columns)));
  let after: Record<string, unknown> | undefined;
  let copied = 0;
  for (;;) {
    let where: SQL | undefined;
    if (after && key.length > 0) {
      const last = after;
      const values = key.map((c) => sql.param(last[propertyOf(t, c)], c));
      where = sql`(${sql.join(key, sql`, `)}) > (${sql.join(values, sql`, `)})`;
    }
    const query = from
      .select()
      .from(t)
      .where(where)
      .orderBy(...key)
      .limit(size)
      .offset(key.length > 0 ? 0 : copied);
    const rows = (await query) as Record<string, unknown>[];
    if (rows.length === 0) break;
    await to.insert(t).values(rows);
    copied += rows.length;
    after = rows[rows.length - 1];
    if (rows.length < size) break;
  }
}

/** The property a column has in the rows Drizzle returns. */
function propertyOf(t: PgTable, column: PgColumn): string {
  const found = Object.entries(getTableColumns(t)).find(([, c]) => c === column);
  return found?.[0] ?? column.name;
}
