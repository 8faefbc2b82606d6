import { join, resolve } from 'node:path';
import {
  type CoreConfig,
  type CtxBase,
  createContext,
  createOutbox,
  type Database,
  defaultCoreConfig,
  newWorkerId,
  openDatabase,
  type Presence,
  releaseLeasesAtStart,
  startPresence,
  systemActor,
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
    softBounceLimit: env.MAILROOM_SOFT_BOUNCE_LIMIT,
    dnsServers: env.MAILROOM_DNS_SERVERS,
    timeouts: {
      connectMs: env.MAILROOM_CONNECT_TIMEOUT_MS,
      greetingMs: env.MAILROOM_GREETING_TIMEOUT_MS,
      commandMs: env.MAILROOM_COMMAND_TIMEOUT_MS,
    },
  };
}

/** The LISTEN/NOTIFY channel that wakes the workers of every process sharing a Postgres. */
const WAKE_CHANNEL = 'mailroom_outbox';

export type OpenedCore = {
  dataDir: string;
  keySource: string;
  database: Database;
  base: CtxBase;
  /**
   * This process's lease holders announcing themselves (Postgres): register a worker or poller id
   * before it takes leases. On the embedded database a no-op: leases were released at start-up.
   */
  presence: Presence;
  /** Stops the heartbeat and the wake-up listener; call after the jobs stopped, before the database closes. */
  stop(): Promise<void>;
};

/**
 * Opens what every command works on: the data directory, the secret key, the database (migrated),
 * the outbox of this process (`base.outbox`: batchers, wake-up, handoff, SMTP pools) and the core
 * context base. Shared by `start` and `worker`; close the outbox after the worker, before the database.
 * Recovery starts here: on the embedded database every lease left by a killed process is released at
 * once; on Postgres this process's heartbeat starts (leases of holders silent past
 * MAILROOM_WORKER_GRACE_SECONDS are released by it) and sends made anywhere wake its worker.
 */
export async function openCore(env: Env, opts: { quickstart?: boolean } = {}): Promise<OpenedCore> {
  const dataDir = resolve(env.MAILROOM_DATA_DIR);
  const { box, source: keySource } = loadSecretBox(env.MAILROOM_SECRET_KEY, dataDir);
  const database = await openDatabase({
    url: env.MAILROOM_DATABASE_URL,
    dataDir: join(dataDir, 'pglite'),
    poolSize: env.MAILROOM_DATABASE_POOL,
  });
  const requestHolder = newWorkerId('api');
  const base: CtxBase = {
    db: database.db,
    secrets: box,
    config: coreConfig(env, opts),
    // SMTP pools in the delivery thread unless MAILROOM_DELIVERY_THREAD=false: for the worker and
    // for immediate sends made by the API alike.
    outbox: createOutbox(database.db, { smtp: { thread: env.MAILROOM_DELIVERY_THREAD }, requestHolder }),
  };
  const graceMs = env.MAILROOM_WORKER_GRACE_SECONDS * 1000;
  const channels = database.channels;
  if (!channels) {
    await releaseLeasesAtStart(createContext(base, systemActor));
    const presence: Presence = {
      graceMs,
      register: async () => async () => {},
      beat: async () => {},
      stop: async () => {},
    };
    return { dataDir, keySource, database, base, presence, stop: async () => {} };
  }
  const presence = startPresence({ base, graceMs });
  await presence.register(requestHolder, 'api');
  const unlisten = await channels.listen(WAKE_CHANNEL, () => base.outbox.wake.wakeLocal());
  const disconnect = base.outbox.wake.connect(() => {
    channels.notify(WAKE_CHANNEL).catch(() => {
      // Best effort: the other workers still poll (MAILROOM_WORKER_POLL_MS).
    });
  });
  return {
    dataDir,
    keySource,
    database,
    base,
    presence,
    async stop() {
      disconnect();
      await unlisten().catch(() => {});
      await presence.stop();
    },
  };
}
