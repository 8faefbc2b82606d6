// A webhook dispatcher process is SIGKILLed while requests are in flight: after a restart every event
// reaches the receiver at least once, with the same webhook-id, signed with the endpoint's secret.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createContext,
  createOutbox,
  createSecretBox,
  createWebhook,
  type Database,
  defaultCoreConfig,
  emitEvents,
  generateKeySpec,
  openDatabase,
  parseKeySpec,
  systemActor,
} from '@mailroom/core';
import { startWebhookReceiver, type WebhookReceiver } from '@mailroom/core/testing';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const PG_URL = process.env.MAILROOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEY = generateKeySpec('k1');
const EVENTS = 60;

type Child = { proc: ChildProcess; exited: Promise<unknown>; stderr: () => string };

function spawnWorker(storage: { dataDir: string; url?: string }): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(here, 'cli.ts'), 'worker', '--events'], {
    cwd: join(here, '..'),
    env: {
      ...process.env,
      MAILROOM_DATA_DIR: storage.dataDir,
      ...(storage.url ? { MAILROOM_DATABASE_URL: storage.url } : {}),
      MAILROOM_SECRET_KEY: KEY,
      MAILROOM_ALLOW_PRIVATE_HOSTS: 'true',
      MAILROOM_WORKER_LEASE_MS: '3000',
      MAILROOM_WORKER_POLL_MS: '100',
      MAILROOM_WORKER_GRACE_SECONDS: '2',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return { proc, exited: new Promise((r) => proc.once('exit', r)), stderr: () => stderr };
}

async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mailroom_wh_${randomBytes(6).toString('hex')}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

function contextFor(database: Database) {
  return createContext(
    {
      db: database.db,
      secrets: createSecretBox(parseKeySpec(KEY)),
      config: { ...defaultCoreConfig, allowPrivateHosts: true },
      outbox: createOutbox(database.db),
    },
    systemActor,
  );
}

describe('the webhook dispatcher survives kill -9 mid-delivery', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  it.each(['pglite', 'postgres'] as const)(
    'on %s: SIGKILL while requests hang, restart, every event arrives at least once with a stable id',
    async (backend) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-webhooks-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const storage: { dataDir: string; url?: string } = { dataDir };
      if (backend === 'postgres') {
        const pg = await createPgDatabase();
        storage.url = pg.url;
        cleanups.push(() => pg.drop());
      }
      const receiver: WebhookReceiver = await startWebhookReceiver();
      cleanups.push(() => receiver.close());
      // Until the kill, every third request hangs: those deliveries are in flight when the process dies.
      let killed = false;
      receiver.reply = (_r, n) => (!killed && n % 3 === 0 ? 'hang' : { status: 200, body: 'ok' });

      const database = await openDatabase({ url: storage.url, dataDir: join(dataDir, 'pglite') });
      const ctx = contextFor(database);
      const hook = await createWebhook({ ctx, input: { url: receiver.url } });
      receiver.secrets = [hook.secret];
      const ids = await ctx.db.transaction((tx) =>
        emitEvents(
          tx,
          Array.from({ length: EVENTS }, (_, i) => ({
            type: 'message.sent' as const,
            teamId: null,
            data: { id: `m${i}`, status: 'sent' },
          })),
        ),
      );
      expect(ids).toHaveLength(EVENTS);
      // Only one process may open the embedded database: the test lets go of it before the worker starts.
      await ctx.outbox.close();
      await database.close();

      const first = spawnWorker(storage);
      cleanups.push(async () => {
        first.proc.kill('SIGKILL');
        await first.exited;
      });
      await receiver.until((r) => r.received.length >= 9 && r.acknowledged.size >= 3, 60_000);
      first.proc.kill('SIGKILL');
      await first.exited;
      killed = true;
      const before = receiver.acknowledged.size;
      expect(before).toBeLessThan(EVENTS);

      const second = spawnWorker(storage);
      cleanups.push(async () => {
        second.proc.kill('SIGTERM');
        await second.exited;
      });
      await receiver
        .until((r) => ids.every((id) => r.acknowledged.has(id)), 90_000)
        .catch((err: Error) => {
          throw new Error(`${err.message}; stderr: ${second.stderr().slice(-2000)}`);
        });
      // Every request carried a known id and a valid signature; retries reused the event's id.
      expect(receiver.received.every((r) => ids.includes(r.id) && r.verifiedWith === 0)).toBe(true);
      const hung = receiver.received.filter((_, i) => (i + 1) % 3 === 0 && i < 9).map((r) => r.id);
      for (const id of hung) expect(receiver.acknowledged.has(id)).toBe(true);
    },
    300_000,
  );
});
