import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { lockEmbeddedDatabase } from './embeddedLock';
import * as schema from './schema';

export type Schema = typeof schema;
/** The one database type the core speaks: the same for PGlite and Postgres. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a verb can run queries on: the database or an open transaction. */
export type Queryable = Db | Tx;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /**
   * Postgres only: LISTEN/NOTIFY between the processes sharing the database (the outbox's wake-up).
   * The embedded database has one process, so nothing to tell.
   */
  channels?: {
    listen(channel: string, onMessage: () => void): Promise<() => Promise<void>>;
    notify(channel: string): Promise<void>;
  };
  close(): Promise<void>;
};

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'drizzle');

export type DatabaseOptions = {
  /** postgres://… — when set, Postgres is used; otherwise embedded PGlite. */
  url?: string | undefined;
  /** PGlite data directory; `memory://` keeps it in memory (tests). */
  dataDir?: string | undefined;
  /** Postgres pool size per process. */
  poolSize?: number | undefined;
};

/** The advisory lock key that serialises migrations between processes starting at once ("mailroom"). */
const MIGRATION_LOCK = 0x6d61696c;

/** Databases other processes may write too (Postgres): nothing read from them may be cached in memory. */
const shared = new WeakSet<object>();

/**
 * True for a database that several processes share (Postgres): a change made by another process must be
 * seen on the next read, so in-memory caches (the token cache) are off. False for the embedded database,
 * which only this process can open.
 */
export function isSharedDatabase(db: Db): boolean {
  return shared.has(db);
}

/** Opens the database (PGlite by default, Postgres when a URL is given) and applies pending migrations. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    // Connections are kept for the process's life (postgres.js replaces each after 30–60 minutes by
    // default): a search's first run on a new connection costs two to six times a warm one (the backend
    // fills its caches and faults its memory in; up to about 220 ms against 40–80 at a million messages,
    // docs/PERFORMANCE.md "Session 10"), and at an admin's pace of a few searches an hour every recycled
    // connection would make one of them slow. A connection that breaks is opened again on the next query.
    const client = postgres(opts.url, {
      max: opts.poolSize ?? 10,
      max_lifetime: null,
      onnotice: () => {},
      connect_timeout: 10,
    });
    const db = drizzle(client, { schema });
    // Processes starting together would apply the same migration twice: one at a time, under a
    // session-level advisory lock held on a connection of its own.
    const lock = postgres(opts.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migrate(db, { migrationsFolder });
    } finally {
      await lock.end({ timeout: 5 });
    }
    shared.add(db);
    return {
      db: db as unknown as Db,
      kind: 'postgres',
      channels: {
        async listen(channel, onMessage) {
          const { unlisten } = await client.listen(channel, () => onMessage());
          return unlisten;
        },
        async notify(channel) {
          await client.notify(channel, '');
        },
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dataDir = opts.dataDir ?? 'memory://';
  let release = () => {};
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    // One process at a time on the directory (embeddedLock.ts): refused before anything is written.
    release = lockEmbeddedDatabase(dataDir);
  }
  try {
    // pg_trgm serves the lists' text search (migration 0010 builds its indexes where it is loaded), and
    // btree_gin puts the team beside the trigrams in the outbox's index (0029).
    const [{ pg_trgm }, { btree_gin }] = await Promise.all([
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('@electric-sql/pglite/contrib/btree_gin'),
    ]);
    const client = await PGlite.create(dataDir, { extensions: { pg_trgm, btree_gin } });
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder });
    const close = async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    };
    return { db: db as unknown as Db, kind: 'pglite', close };
  } catch (err) {
    release();
    throw err;
  }
}

/** True when the database answers a trivial query (readiness checks). */
export async function pingDatabase(db: Db): Promise<boolean> {
  const { sql } = await import('drizzle-orm');
  await db.execute(sql`select 1`);
  return true;
}

/**
 * Runs `run` with room for large bitmaps (`work_mem` 32 MB for its statements only, on Postgres). A text
 * search in a time window ANDs two bitmaps: at a million rows a window's 128,000-280,000 rows and a word's
 * 62,500 matches, each on nearly as many pages once rows have moved. In the default 4 MB they turn lossy,
 * and their AND kept every row of 10,065 pages to test instead of the 1,369 matches (outbox/listMessages.ts).
 * A transaction with `set_config(…, true)`, so the pooled connection goes back as it was. PGlite's memory
 * is this process's own (and a transaction there would hold its one connection): `run` gets the database
 * itself.
 */
export async function withBitmapMemory<T>(db: Db, run: (q: Queryable) => Promise<T>): Promise<T> {
  if (!isSharedDatabase(db)) return run(db);
  const { sql } = await import('drizzle-orm');
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('work_mem', '32MB', true)`);
    return run(tx);
  });
}
