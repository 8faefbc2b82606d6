// Sending throughput: Mailroom's queued path end to end (API accept → outbox → worker → SMTP)
// against a bare nodemailer pooled loop, both delivering to postfix's smtp-sink on loopback,
// on Postgres and on PGlite, plus how many queued sends per second the API accepts.
//
//   npx -y pnpm@10.34.9 --filter @mailroom/bench run send-throughput [-- --messages 2000 --only postgres,pglite]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp } from '@mailroom/api';
import {
  type CtxBase,
  createAccount,
  createContext,
  createOutbox,
  createSecretBox,
  createToken,
  type Database,
  defaultCoreConfig,
  generateKeySpec,
  openDatabase,
  parseKeySpec,
  runWorker,
  sendBulk,
  sendMessage,
  systemActor,
  tables,
  type WorkerEvent,
} from '@mailroom/core';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import postgres from 'postgres';
import { cpuByCommand, cpuSince, machineBusy } from './lib/cpu.ts';
import { freePort, startServer, stopServer } from './lib/proc.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  allowPositionals: true,
  options: {
    messages: { type: 'string', default: '5000' },
    only: { type: 'string', default: 'bare,postgres,pglite' },
    /** Which measurements per store: e2e, separate (Postgres only), drain, verb, accept. */
    runs: { type: 'string', default: 'e2e,separate,drain,verb,accept' },
    /** Requests in flight against the API at once. */
    clients: { type: 'string', default: '32' },
    /** SMTP connections per account (Mailroom) and in the bare pool: the same for both. */
    connections: { type: 'string', default: '5' },
    /** The worker's messages being delivered at once: MAILROOM_WORKER_CONCURRENCY's default. */
    concurrency: { type: 'string', default: '100' },
    /** SMTP pools in the delivery thread, as `mailroom start` and `mailroom worker` run them (default). */
    thread: { type: 'string', default: 'true' },
    /** Rounds of every run, the bare loop included; the table shows medians. */
    rounds: { type: 'string', default: '3' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const N = Math.min(20_000, Math.max(100, Number(args.messages)));
const CLIENTS = Math.max(1, Number(args.clients));
const CONNECTIONS = Math.max(1, Number(args.connections));
const THREAD = args.thread !== 'false';
/** Messages sent before timing starts, as the bare loop warms up. */
const WARMUP = 200;
const CONCURRENCY = Math.max(1, Number(args.concurrency));
const ROUNDS = Math.min(9, Math.max(1, Number(args.rounds)));
const only = new Set(args.only.split(','));
const runs = new Set(args.runs.split(','));
const TIMEOUT_MS = 180_000;
const BODY = `Hello,\n\n${'This is a benchmark message of about one kilobyte. '.repeat(20)}\n`;

if (!existsSync('/usr/sbin/smtp-sink')) {
  console.error('/usr/sbin/smtp-sink is missing: apt-get install postfix');
  process.exit(1);
}

/**
 * Runs `task(i)` for i in [0, n) with at most `width` in flight. Each task starts from a fresh turn
 * of the event loop, as a request from the network would: `app.request` on PGlite never touches a
 * socket, so back-to-back requests would otherwise run as one endless chain of microtasks and keep
 * timers, worker-thread answers and SMTP sockets waiting until the last request is in.
 */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const deadline = Date.now() + TIMEOUT_MS;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        if (Date.now() > deadline) throw new Error('benchmark timed out');
        const i = next++;
        await new Promise((r) => setImmediate(r));
        await task(i);
      }
    }),
  );
}

const seconds = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e9;

/** BENCH_DEBUG: where the CPU went during the timed part of a run (taken before teardown). */
let cpuNote = '';
function cpuWatch(): () => void {
  const before = cpuByCommand();
  const busy = machineBusy();
  const t0 = process.hrtime.bigint();
  return () => {
    if (process.env.BENCH_DEBUG) cpuNote = `${busy()}; of one core: ${cpuSince(before, seconds(t0))}`;
  };
}

/** (a) The reference: nodemailer's pooled SMTP transport, `CLIENTS` sends in flight. */
async function bareLoop(sinkPort: number): Promise<number> {
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: sinkPort,
    secure: false,
    ignoreTLS: true,
    maxConnections: CONNECTIONS,
    maxMessages: 500,
  });
  const send = (i: number) =>
    transport.sendMail({
      from: 'bench@example.com',
      to: `rcpt${i}@example.org`,
      subject: `Bench ${i}`,
      text: BODY,
    });
  await pool(200, 50, async (i) => {
    await send(i); // warm-up: connections open, JIT warm
  });
  const start = process.hrtime.bigint();
  await pool(N, 50, async (i) => {
    await transport.sendMail({
      from: 'bench@example.com',
      to: `rcpt${i}@example.org`,
      subject: `Bench ${i}`,
      text: BODY,
    });
  });
  const s = seconds(start);
  transport.close();
  return N / s;
}

type Storage = { label: string; url?: string; open(): Promise<Database>; cleanup(): Promise<void> };

function pgStorage(): Storage {
  const name = `mailroom_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(args['pg-url'], { max: 1, onnotice: () => {} });
  const url = new URL(args['pg-url']);
  url.pathname = `/${name}`;
  return {
    label: 'Postgres',
    url: url.toString(),
    async open() {
      await admin.unsafe(`create database ${name}`);
      return openDatabase({ url: url.toString(), poolSize: 10 });
    },
    async cleanup() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

function pgliteStorage(): Storage {
  const dir = mkdtempSync(join(os.tmpdir(), 'mailroom-bench-'));
  return {
    label: 'PGlite',
    open: () => openDatabase({ dataDir: join(dir, 'pglite') }),
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The API in-process (app.request: routing, auth, validation and the verb, without a socket). */
const KEY = generateKeySpec('bench');

async function setup(storage: Storage, sinkPort: number) {
  const database = await storage.open();
  const base: CtxBase = {
    db: database.db,
    secrets: createSecretBox(parseKeySpec(KEY)),
    config: { ...defaultCoreConfig, allowPrivateHosts: true },
    // As `mailroom start` makes it, with the bench's pool size (the same as the bare loop's).
    outbox: createOutbox(database.db, {
      smtp: { maxConnections: CONNECTIONS, maxMessages: 500, thread: THREAD },
    }),
  };
  const ctx = createContext(base, systemActor);
  const account = await createAccount({
    ctx,
    input: {
      name: 'Bench sink',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: sinkPort,
        security: 'none',
        from: { address: 'bench@example.com' },
        sendMode: 'queued',
      },
    },
  });
  const { token } = await createToken({
    ctx,
    input: { name: `bench-${randomBytes(3).toString('hex')}`, role: 'admin' },
  });
  const app = createApp({ base, ping: async () => true });
  const post = async (i: number) => {
    const body = JSON.stringify({
      accountId: account.id,
      to: [`rcpt${i}@example.org`],
      subject: `Bench ${i}`,
      text: BODY,
    });
    const res = await app.request('/api/v1/messages', {
      method: 'POST',
      // As an HTTP client sends it: with its length (without one, the body limit has to stream it).
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    if (res.status !== 202) throw new Error(`POST /messages answered ${res.status}: ${await res.text()}`);
  };
  const direct = async (i: number) => {
    await sendMessage({
      ctx,
      input: { accountId: account.id, to: [`rcpt${i}@example.org`], subject: `Bench ${i}`, text: BODY },
    });
  };
  return { database, base, post, direct };
}

/** (e) The sendMessage verb called directly: what accepting costs without HTTP, auth and validation. */
async function verbRate(storage: Storage, sinkPort: number): Promise<number> {
  const { database, base, direct } = await setup(storage, sinkPort);
  try {
    await pool(50, CLIENTS, direct);
    const start = process.hrtime.bigint();
    const watched = cpuWatch();
    await pool(N, CLIENTS, (i) => direct(i));
    watched();
    return N / seconds(start);
  } finally {
    await base.outbox.close();
    await database.close();
  }
}

/** Counts `sent` outcomes; `until(k)` resolves once k are in (or rejects after the benchmark timeout). */
function sentCounter() {
  let sent = 0;
  const notSent = new Map<string, number>();
  const waiters: Array<{ k: number; resolve: () => void }> = [];
  return {
    get sent() {
      return sent;
    },
    notSent,
    onEvent(e: WorkerEvent) {
      if (e.type === 'error') console.error('worker:', e.message);
      if (e.type !== 'recorded') return;
      if (e.status !== 'sent') {
        notSent.set(e.status, (notSent.get(e.status) ?? 0) + 1);
        return;
      }
      sent += 1;
      for (const w of waiters.filter((x) => sent >= x.k)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    async until(k: number): Promise<void> {
      if (sent >= k) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => waiters.push({ k, resolve })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`only ${sent} of ${k} delivered within ${TIMEOUT_MS} ms`)),
            TIMEOUT_MS,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    },
  };
}

/** The outbox worker as `mailroom start` runs it; its SMTP pools (and delivery thread) belong to the outbox and outlive it. */
function benchWorker(base: CtxBase, onEvent: (e: WorkerEvent) => void) {
  const abort = new AbortController();
  const done = runWorker({
    base,
    workerId: `bench-${randomBytes(3).toString('hex')}`,
    signal: abort.signal,
    concurrency: CONCURRENCY,
    pollMs: 100,
    onEvent,
  });
  return async () => {
    abort.abort();
    await done;
  };
}

/** (d) The worker alone: N messages already queued (bulk requests), drained to the sink after a warm-up. */
async function drainOnly(storage: Storage, sinkPort: number): Promise<number> {
  const { database, base } = await setup(storage, sinkPort);
  const ctx = createContext(base, systemActor);
  const [account] = await database.db.select().from(tables.accounts);
  const queue = async (from: number, n: number) => {
    for (let done = 0; done < n; done += 1000) {
      const count = Math.min(1000, n - done);
      await sendBulk({
        ctx,
        input: {
          accountId: account!.id,
          subject: 'Bench {{i}}',
          text: BODY,
          recipients: Array.from({ length: count }, (_, i) => ({
            to: `rcpt${from + done + i}@example.org`,
            variables: { i: String(from + done + i) },
          })),
        },
      });
    }
  };
  const counter = sentCounter();
  try {
    // Warm-up, as the bare loop gets: connections open, the delivery thread's JIT warm.
    await queue(0, WARMUP);
    let stop = benchWorker(base, counter.onEvent);
    await counter.until(WARMUP);
    await stop();
    await queue(WARMUP, N);
    const start = process.hrtime.bigint();
    const watched = cpuWatch();
    stop = benchWorker(base, counter.onEvent);
    await counter.until(WARMUP + N);
    watched();
    const rate = N / seconds(start);
    await stop();
    return rate;
  } finally {
    await base.outbox.close();
    await database.close();
  }
}

/** (b') Scale-out: the API here, `mailroom worker` in its own process on the same Postgres. */
async function endToEndSeparateWorker(storage: Storage, sinkPort: number): Promise<number> {
  const { database, base, post } = await setup(storage, sinkPort);
  const cli = join(here, '..', 'apps', 'api', 'src', 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'worker', '--events'], {
    cwd: join(here, '..', 'apps', 'api'),
    env: {
      ...process.env,
      MAILROOM_DATABASE_URL: storage.url,
      MAILROOM_SECRET_KEY: KEY,
      MAILROOM_ALLOW_PRIVATE_HOSTS: 'true',
      MAILROOM_WORKER_CONCURRENCY: String(CONCURRENCY),
      MAILROOM_WORKER_POLL_MS: '20',
      MAILROOM_DELIVERY_THREAD: String(THREAD),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const counter = sentCounter();
  let started: () => void = () => {};
  const ready = new Promise<void>((r) => {
    started = r;
  });
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('"started"')) started();
      else if (line.startsWith('{')) counter.onEvent(JSON.parse(line) as WorkerEvent);
    }
  });
  try {
    await ready;
    await pool(WARMUP, CLIENTS, (i) => post(i));
    await counter.until(WARMUP);
    const start = process.hrtime.bigint();
    const watched = cpuWatch();
    await pool(N, CLIENTS, (i) => post(WARMUP + i));
    await counter.until(WARMUP + N);
    watched();
    return N / seconds(start);
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
    await base.outbox.close();
    await database.close();
  }
}

/** (c) Queued API accepts per second, no worker running. */
async function acceptRate(storage: Storage, sinkPort: number): Promise<number> {
  const { database, base, post } = await setup(storage, sinkPort);
  try {
    await pool(50, CLIENTS, post); // warm-up: JIT, statement caches
    const start = process.hrtime.bigint();
    const watched = cpuWatch();
    await pool(N, CLIENTS, (i) => post(i));
    watched();
    return N / seconds(start);
  } finally {
    await base.outbox.close();
    await database.close();
  }
}

/** (b) End to end: accept N through the API while the in-process worker delivers; until the last is sent. */
async function endToEnd(storage: Storage, sinkPort: number): Promise<number> {
  const { database, base, post } = await setup(storage, sinkPort);
  const counter = sentCounter();
  const stop = benchWorker(base, counter.onEvent);
  try {
    await pool(WARMUP, CLIENTS, (i) => post(i));
    await counter.until(WARMUP);
    const start = process.hrtime.bigint();
    const watched = cpuWatch();
    await pool(N, CLIENTS, (i) => post(WARMUP + i));
    if (process.env.BENCH_DEBUG)
      console.error(`accepted in ${seconds(start).toFixed(2)} s, ${counter.sent - WARMUP} sent by then`);
    await counter.until(WARMUP + N);
    watched();
    if (counter.notSent.size > 0) {
      const res = await database.db.execute(
        sql`select last_error from messages where status <> 'sent' and last_error is not null limit 1`,
      );
      console.error(
        `not sent at first: ${JSON.stringify(Object.fromEntries(counter.notSent))}`,
        res.rows ?? res,
      );
    }
    return N / seconds(start);
  } finally {
    await stop();
    await base.outbox.close();
    await database.close();
  }
}

const asRoot = process.getuid?.() === 0;
const sinkPort = await freePort();
const sink = await startServer(
  '/usr/sbin/smtp-sink',
  [...(asRoot ? ['-u', 'nobody'] : []), `127.0.0.1:${sinkPort}`, '256'],
  sinkPort,
);
/** Every measurement of every round, by row label; the bare loop is row 0. */
const results = new Map<string, { rates: number[]; compare: boolean }>();
const BARE = 'bare nodemailer pooled loop → smtp-sink';
const record = (what: string, rate: number, compare = false) => {
  const entry = results.get(what) ?? { rates: [], compare };
  entry.rates.push(rate);
  results.set(what, entry);
};
try {
  // Rounds alternate the ceiling and every Mailroom run, so a noisy minute on a shared machine
  // touches both sides; the table reports medians.
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.error(`round ${round} of ${ROUNDS}`);
    record(BARE, await bareLoop(sinkPort));
    for (const [key, make] of [
      ['postgres', pgStorage],
      ['pglite', pgliteStorage],
    ] as const) {
      if (!only.has(key)) continue;
      // Every run gets a fresh database, dropped (or deleted) afterwards.
      const run = async (
        id: string,
        what: string,
        measure: (s: Storage) => Promise<number>,
        compare = false,
      ) => {
        if (!runs.has(id)) return;
        const storage = make();
        try {
          cpuNote = '';
          const rate = await measure(storage);
          if (cpuNote) console.error(`${storage.label} ${id}: ${cpuNote}`);
          record(`Mailroom ${storage.label}: ${what}`, rate, compare);
        } finally {
          await storage.cleanup();
        }
      };
      await run('e2e', 'API accept → worker → smtp-sink', (st) => endToEnd(st, sinkPort), true);
      if (key === 'postgres') {
        await run(
          'separate',
          'API accept → `mailroom worker` process → smtp-sink',
          (st) => endToEndSeparateWorker(st, sinkPort),
          true,
        );
      }
      await run(
        'drain',
        'worker alone, draining a full queue → smtp-sink',
        (st) => drainOnly(st, sinkPort),
        true,
      );
      await run('verb', 'sendMessage verb alone, queued (no HTTP, no auth)', (st) => verbRate(st, sinkPort));
      await run('accept', 'queued API accepts (no worker)', (st) => acceptRate(st, sinkPort));
    }
  }
} finally {
  await stopServer(sink);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const bare = median(results.get(BARE)?.rates ?? [0]);
const rows = [...results].map(([what, { rates, compare }]) => ({
  what,
  rate: median(rates),
  range: rates.length > 1 ? `${Math.round(Math.min(...rates))}–${Math.round(Math.max(...rates))}` : '',
  ratio: compare && bare > 0 ? `${Math.round((median(rates) / bare) * 100)} % of bare` : '',
}));

const cpu = os.cpus();
const header = `${N} messages of ~1 KB, ${CLIENTS} API clients in flight, ${CONNECTIONS} SMTP connections, median of ${ROUNDS} round(s); ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, Node ${process.version}`;
const table = [
  '| run | messages/s (median) | range | |',
  '|---|---:|---:|---|',
  ...rows.map((r) => `| ${r.what} | ${Math.round(r.rate)} | ${r.range} | ${r.ratio} |`),
].join('\n');
console.log(`\n${header}\n\n${table}\n`);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'send-throughput-latest.md'),
  `# send-throughput (${new Date().toISOString()})\n\n${header}\n\n${table}\n`,
);
process.exit(0);
