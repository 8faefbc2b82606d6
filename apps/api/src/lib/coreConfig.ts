import { join, resolve } from 'node:path';
import {
  type CoreConfig,
  type CtxBase,
  createOutbox,
  type Database,
  defaultCoreConfig,
  openDatabase,
} from '@mailroom/core';
import type { Env } from '../env';
import { loadSecretBox } from './secretKey';

/** The core's configuration from the environment; the same for `start` and `worker`. */
export function coreConfig(env: Env, opts: { quickstart?: boolean } = {}): CoreConfig {
  return {
    ...defaultCoreConfig,
    allowPrivateHosts: env.MAILROOM_ALLOW_PRIVATE_HOSTS ?? opts.quickstart ?? false,
    retention: {
      sentMessages: env.MAILROOM_RETENTION_SENT_DAYS,
      failedMessages: env.MAILROOM_RETENTION_FAILED_DAYS,
      cancelledMessages: env.MAILROOM_RETENTION_CANCELLED_DAYS,
      inbox: env.MAILROOM_RETENTION_INBOX_DAYS,
      logs: env.MAILROOM_LOG_RETENTION_DAYS,
      webhookDeliveries: env.MAILROOM_RETENTION_WEBHOOK_DAYS,
    },
    sendmailPaths: env.MAILROOM_SENDMAIL_PATHS,
    timeouts: {
      connectMs: env.MAILROOM_CONNECT_TIMEOUT_MS,
      greetingMs: env.MAILROOM_GREETING_TIMEOUT_MS,
      commandMs: env.MAILROOM_COMMAND_TIMEOUT_MS,
    },
  };
}

/**
 * Opens what every command works on: the data directory, the secret key, the database (migrated),
 * the outbox of this process (`base.outbox`: batchers, wake-up, handoff, SMTP pools) and the core
 * context base. Shared by `start` and `worker`; close the outbox after the worker, before the database.
 */
export async function openCore(
  env: Env,
  opts: { quickstart?: boolean } = {},
): Promise<{ dataDir: string; keySource: string; database: Database; base: CtxBase }> {
  const dataDir = resolve(env.MAILROOM_DATA_DIR);
  const { box, source: keySource } = loadSecretBox(env.MAILROOM_SECRET_KEY, dataDir);
  const database = await openDatabase({
    url: env.MAILROOM_DATABASE_URL,
    dataDir: join(dataDir, 'pglite'),
    poolSize: env.MAILROOM_DATABASE_POOL,
  });
  return {
    dataDir,
    keySource,
    database,
    base: {
      db: database.db,
      secrets: box,
      config: coreConfig(env, opts),
      // SMTP pools in the delivery thread unless MAILROOM_DELIVERY_THREAD=false: for the worker and
      // for immediate sends made by the API alike.
      outbox: createOutbox(database.db, { smtp: { thread: env.MAILROOM_DELIVERY_THREAD } }),
    },
  };
}
