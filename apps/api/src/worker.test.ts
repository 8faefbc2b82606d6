import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createAccount,
  createContext,
  createOutbox,
  createSecretBox,
  type Database,
  defaultCoreConfig,
  generateKeySpec,
  listMessages,
  openDatabase,
  parseKeySpec,
  queryLogs,
  sendBulk,
  sendMessage,
  systemActor,
  type WorkerEvent,
} from '@mailroom/core';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// These tests run the real `mailroom worker` command as child processes and SIGKILL them mid-batch.
const here = dirname(fileURLToPath(import.meta.url));
const PG_URL = process.env.MAILROOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEY = generateKeySpec('k1');

type Worker = {
  proc: ChildProcess;
  events: WorkerEvent[];
  until(pred: (events: WorkerEvent[]) => boolean, timeoutMs: number): Promise<void>;
  exited: Promise<number | null>;
};

function spawnWorker(storage: { dataDir: string; url?: string }): Worker {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(here, 'cli.ts'), 'worker', '--events'], {
    cwd: join(here, '..'),
    env: {
      ...process.env,
      MAILROOM_DATA_DIR: storage.dataDir,
      ...(storage.url ? { MAILROOM_DATABASE_URL: storage.url } : {}),
      MAILROOM_SECRET_KEY: KEY,
      MAILROOM_ALLOW_PRIVATE_HOSTS: 'true',
      MAILROOM_WORKER_LEASE_MS: '5000',
      MAILROOM_WORKER_POLL_MS: '100',
      MAILROOM_WORKER_CONCURRENCY: '50',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  const listeners = new Set<() => void>();
  let buffer = '';
  let stderr = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) events.push(JSON.parse(line) as WorkerEvent);
    for (const l of listeners) l();
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    events,
    exited,
    until(pred, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pred(events)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`worker did not get there in ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then(() => {
          check();
        });
        check();
      });
    },
  };
}

const sentCount = (events: WorkerEvent[]) =>
  events.filter((e) => e.type === 'recorded' && e.status === 'sent').length;

async function stop(worker: Worker, signal: NodeJS.Signals) {
  if (worker.proc.exitCode === null && worker.proc.signalCode === null) worker.proc.kill(signal);
  await worker.exited;
}

/** A throw-away Postgres database (dropped in afterAll). */
async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mailroom_w_${randomBytes(6).toString('hex')}`;
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

async function openAt(storage: { dataDir: string; url?: string }): Promise<Database> {
  return openDatabase({ url: storage.url, dataDir: join(storage.dataDir, 'pglite') });
}

/** A context on the test's side of the database: queued sends and reads only, so its outbox holds nothing to close. */
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

async function mockAccount(database: Database, mock: MockMailServer) {
  return createAccount({
    ctx: contextFor(database),
    input: {
      name: `Mock ${randomBytes(3).toString('hex')}`,
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: mock.smtpPort,
        security: 'none',
        from: { address: 'sender@example.com' },
        sendMode: 'queued',
      },
    },
  });
}

/** Delivered copies per Message-ID, as the mock server received them. */
function deliveriesById(mock: MockMailServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of mock.messages()) counts.set(m.messageId ?? '?', (counts.get(m.messageId ?? '?') ?? 0) + 1);
  return counts;
}

describe('the worker process survives being killed mid-batch', () => {
  let mock: MockMailServer;
  const cleanups: Array<() => Promise<void> | void> = [];
  beforeAll(async () => {
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      httpPort: false,
      maxMessages: 5000,
    });
  });
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
    await mock.reset();
  });
  afterAll(async () => {
    await mock?.close();
  });

  it.each(['pglite', 'postgres'] as const)(
    'on %s: SIGKILL mid-batch, restart, and every message is sent exactly once',
    async (backend) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-worker-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const storage: { dataDir: string; url?: string } = { dataDir };
      if (backend === 'postgres') {
        const pg = await createPgDatabase();
        storage.url = pg.url;
        cleanups.push(() => pg.drop());
      }
      // Queue 20 messages that go through at once, then 10 that the server holds at RCPT for a minute.
      let database = await openAt(storage);
      const account = await mockAccount(database, mock);
      const ctx = contextFor(database);
      for (let i = 0; i < 20; i++) {
        await sendMessage({
          ctx,
          input: { accountId: account.id, to: [`fast-${i}@example.org`], subject: `fast ${i}`, text: 'x' },
        });
      }
      const later = new Date(Date.now() + 10);
      const ctxLater = createContext({ ...ctx, now: () => later }, systemActor);
      for (let i = 0; i < 10; i++) {
        await sendMessage({
          ctx: ctxLater,
          input: { accountId: account.id, to: [`slow-${i}@example.org`], subject: `slow ${i}`, text: 'x' },
        });
      }
      await database.close(); // PGlite is single-process: the worker opens the directory next.
      mock.faults.set([{ stage: 'rcpt', match: 'slow-*', action: 'delay', delayMs: 60_000 }]);

      const first = spawnWorker(storage);
      cleanups.push(() => stop(first, 'SIGKILL'));
      await first.until((e) => sentCount(e) >= 20, 60_000);
      // The fast ones are committed; the slow ones are leased, mid-conversation. Kill without warning.
      await stop(first, 'SIGKILL');
      expect(sentCount(first.events)).toBe(20);
      // It had claimed all 30: the 10 slow ones died with it, leased and mid-conversation.
      expect(
        first.events
          .filter((e) => e.type === 'claimed')
          .reduce((n, e) => n + (e.type === 'claimed' ? e.count : 0), 0),
      ).toBe(30);
      mock.faults.clear();

      const second = spawnWorker(storage);
      cleanups.push(() => stop(second, 'SIGKILL'));
      // Their leases expire (5 s) and the new worker takes them over.
      await second.until((e) => sentCount(e) >= 10, 60_000);
      await stop(second, 'SIGTERM');

      const counts = deliveriesById(mock);
      expect(counts.size).toBe(30);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      database = await openAt(storage);
      const sent = await listMessages({
        ctx: contextFor(database),
        input: { status: 'sent', pageSize: 100 },
      });
      expect(sent.total).toBe(30);
      expect(new Set(sent.items.map((m) => m.messageId))).toEqual(new Set(counts.keys()));
      await database.close();
    },
    180_000,
  );

  it('two workers on one Postgres drain 1,000 messages with 1,000 deliveries, none twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-worker-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const pg = await createPgDatabase();
    cleanups.push(() => pg.drop());
    const storage = { dataDir, url: pg.url };
    const database = await openAt(storage);
    cleanups.push(() => database.close());
    const account = await mockAccount(database, mock);
    await sendBulk({
      ctx: contextFor(database),
      input: {
        accountId: account.id,
        subject: 'Bulk {{n}}',
        text: 'Message {{n}}',
        recipients: Array.from({ length: 1000 }, (_, n) => ({
          to: `r${n}@example.org`,
          variables: { n: String(n) },
        })),
      },
    });
    const a = spawnWorker(storage);
    const b = spawnWorker(storage);
    cleanups.push(
      () => stop(a, 'SIGKILL'),
      () => stop(b, 'SIGKILL'),
    );
    const total = () => sentCount(a.events) + sentCount(b.events);
    await Promise.race([a.until(() => total() >= 1000, 120_000), b.until(() => total() >= 1000, 120_000)]);
    await Promise.all([stop(a, 'SIGTERM'), stop(b, 'SIGTERM')]);
    expect(total()).toBe(1000);
    const counts = deliveriesById(mock);
    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const sent = await listMessages({ ctx: contextFor(database), input: { status: 'sent', pageSize: 1 } });
    expect(sent.total).toBe(1000);
    // Each process wrote its start and its stop to the Main Log, not only to its console.
    const log = await queryLogs({
      ctx: contextFor(database),
      input: { source: 'queue', q: 'Outbox worker', pageSize: 10 },
    });
    const lines = log.items.map((r) => r.message.replace(/worker:\S+/, 'worker:…'));
    expect(
      lines.filter((l) => l === 'Outbox worker worker:… started: 50 messages at once, leases of 5000 ms'),
    ).toHaveLength(2);
    expect(
      lines.filter((l) =>
        /^Outbox worker worker:… stopped: \d+ in flight finished, 0 returned to the queue$/.test(l),
      ),
    ).toHaveLength(2);
  }, 180_000);
});
