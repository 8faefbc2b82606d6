import { randomBytes } from 'node:crypto';
import {
  type Actor,
  type Ctx,
  type CtxBase,
  createContext,
  defaultCoreConfig,
  systemActor,
} from '../context';
import { type Database, openDatabase } from '../db/client';
import { createOutbox, type OutboxOptions } from '../outbox/outbox';
import { createSecretBox, type SecretBox } from '../security/secretBox';

/** Both storage backends; storage tests run against each (Postgres is required, never skipped). */
export const backends = ['pglite', 'postgres'] as const;
export type Backend = (typeof backends)[number];

export const testPgUrl = process.env.MAILROOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A new throw-away Postgres database: its URL, and the drop. */
export async function createTestPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: postgres } = await import('postgres');
  const name = `mailroom_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(testPgUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(testPgUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Opens a fresh, migrated database: in-memory PGlite, or a new throw-away Postgres database. */
export async function openTestDatabase(kind: Backend): Promise<Database> {
  if (kind === 'pglite') return openDatabase({ dataDir: 'memory://' });
  const pg = await createTestPgDatabase();
  const db = await openDatabase({ url: pg.url, poolSize: 5 });
  return {
    ...db,
    async close() {
      await db.close();
      await pg.drop();
    },
  };
}

export type TestEnv = {
  database: Database;
  base: CtxBase;
  ctx: Ctx;
  as(actor: Partial<Actor>): Ctx;
  close(): Promise<void>;
};

/**
 * A migrated database and its outbox (`outbox`: its SMTP pool options), plus a context acting as an
 * admin; `as()` gives contexts for other roles. `close()` closes the outbox (pooled connections and
 * the delivery thread included), then the database.
 */
export async function createTestEnv(
  kind: Backend,
  config: Partial<CtxBase['config']> = {},
  outbox: OutboxOptions = {},
): Promise<TestEnv> {
  const database = await openTestDatabase(kind);
  return envOn(database, createSecretBox([{ id: 'test', key: randomBytes(32) }]), config, outbox);
}

/** The outbox and contexts of a test environment over an open database. */
function envOn(
  database: Database,
  secrets: SecretBox,
  config: Partial<CtxBase['config']> = {},
  outbox: OutboxOptions = {},
): TestEnv {
  const base: CtxBase = {
    db: database.db,
    secrets,
    config: { ...defaultCoreConfig, allowPrivateHosts: true, ...config },
    outbox: createOutbox(database.db, outbox),
  };
  const admin: Actor = { ...systemActor, label: 'admin@test', userId: null, via: 'session' };
  return {
    database,
    base,
    ctx: createContext(base, admin),
    as: (actor) => createContext(base, { ...admin, ...actor }),
    async close() {
      await base.outbox.close();
      await database.close();
    },
  };
}

/**
 * `count` environments on one new Postgres database, each with its own connections, outbox and context:
 * what several Mailroom processes sharing a database look like (same secret key, as they must have).
 * `close()` closes them all and drops the database.
 */
export async function createSharedTestEnvs(
  count: number,
): Promise<{ envs: TestEnv[]; url: string; close(): Promise<void> }> {
  const pg = await createTestPgDatabase();
  const secrets = createSecretBox([{ id: 'test', key: randomBytes(32) }]);
  const envs: TestEnv[] = [];
  for (let i = 0; i < count; i++) {
    envs.push(envOn(await openDatabase({ url: pg.url, poolSize: 3 }), secrets));
  }
  return {
    envs,
    url: pg.url,
    async close() {
      for (const env of envs) await env.close();
      await pg.drop();
    },
  };
}
export { startTestDnsServer, type TestDnsServer, type Zone } from './dnsServer';
export {
  type ReceivedWebhook,
  type ReceiverReply,
  startWebhookReceiver,
  type WebhookReceiver,
} from './webhookReceiver';
