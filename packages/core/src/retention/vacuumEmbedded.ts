import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { isSharedDatabase } from '../db/client';
import { rowsOf } from '../outbox/rows';

export type Vacuumed = { tables: number; durationMs: number };

/**
 * What autovacuum does on Postgres, for the embedded database, which has none (PGlite runs one standalone
 * backend, no background workers): `VACUUM (ANALYZE)` of each of Mailroom's tables, one statement each so
 * other work runs between them. Without it the outbox's state changes and retention's deletes leave dead
 * row versions and their index entries for good, and the planner never has statistics (the lists' plans,
 * measured after an `ANALYZE` in docs/PERFORMANCE.md, would be guesses). Null on Postgres: its autovacuum
 * does this.
 */
export async function vacuumEmbedded(ctx: Ctx): Promise<Vacuumed | null> {
  if (isSharedDatabase(ctx.db)) return null;
  const started = Date.now();
  const tables = rowsOf<{ name: string }>(
    await ctx.db.execute(
      sql`select quote_ident(relname) as name from pg_stat_user_tables where schemaname = 'public' order by relname`,
    ),
  );
  for (const { name } of tables) await ctx.db.execute(sql.raw(`vacuum (analyze) ${name}`));
  return { tables: tables.length, durationMs: Date.now() - started };
}
