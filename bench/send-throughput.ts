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
  closeTransports,
  configureSmtpPool,
  createAccount,
  createContext,
  createSecretBox,
  createToken,
  type Database,
  defaultCoreConfig,
  generateKeySpec,
  openDatabase,
  parseKeySpec,
  sendBulk,
  sendMessage,
  startWorker,
  systemActor,
  tables,
} from '@mailroom/core';
import nodemailer from 'nodemailer';
import postgres from 'postgres';
import { freePort, startServer, stopServer } from './lib/proc.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  allowPositionals: true,
  options: {
    messages: { type: 'string', default: '2000' },
    only: { type: 'string', default: 'bare,postgres,pglite' },
    /** Requests in flight against the API at once. */
    clients: { type: 'string', default: '32' },
    /** SMTP connections per account (Mailroom) and in the bare pool: the same for both. */
    connections: { type: 'string', default: '5' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const N = Math.min(20_000, Math.max(100, Number(args.messages)));
const CLIENTS = Math.max(1, Number(args.clients));
const CONNECTIONS = Math.max(1, Number(args.connections));
const only = new Set(args.only.split(','));
const TIMEOUT_MS = 180_000;
const BODY = `Hello,\n\n${'This is a benchmark message of about one kilobyte. '.repeat(20)}\n`;

if (!existsSync('/usr/sbin/smtp-sink')) {
  console.error('/usr/sbin/smtp-sink is missing: apt-get install postfix');
  process.exit(1);
}

/** Runs `task(i)` for i in [0, n) with at most `width` in flight. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const deadline = Date.now() + TIMEOUT_MS;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        if (Date.now() > deadline) throw new Error('benchmark timed out');
        const i = next++;
        await task(i);
      }
    }),
  );
}

const seconds = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e9;

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
    const res = await app.request('/api/v1/messages', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        accountId: account.id,
        to: [`rcpt${i}@example.org`],
        subject: `Bench ${i}`,
        text: BODY,
      }),
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
  const { database, direct } = await setup(storage, sinkPort);
  try {
    await pool(50, CLIENTS, direct);
    const start = process.hrtime.bigint();
    await pool(N, CLIENTS, (i) => direct(i));
    return N / seconds(start);
  } finally {
    await database.close();
  }
}

/** (d) The worker alone: N messages already queued (one bulk request), drained to the sink. */
async function drainOnly(storage: Storage, sinkPort: number): Promise<number> {
  const { database, base } = await setup(storage, sinkPort);
  try {
    const ctx = createContext(base, systemActor);
    const [account] = await database.db.select().from(tables.accounts);
    for (let done = 0; done < N; done += 1000) {
      const count = Math.min(1000, N - done);
      await sendBulk({
        ctx,
        input: {
          accountId: account!.id,
          subject: 'Bench {{i}}',
          text: BODY,
          recipients: Array.from({ length: count }, (_, i) => ({
            to: `rcpt${done + i}@example.org`,
            variables: { i: String(done + i) },
          })),
        },
      });
    }
    let sent = 0;
    let finish: () => void = () => {};
    const allSent = new Promise<void>((resolve) => {
      finish = resolve;
    });
    configureSmtpPool({ maxConnections: CONNECTIONS, maxMessages: 500 });
    const start = process.hrtime.bigint();
    const worker = startWorker({
      base,
      concurrency: 100,
      pollMs: 100,
      onEvent: (e) => {
        if (e.type === 'recorded' && e.status === 'sent' && ++sent >= N) finish();
      },
    });
    const timer = setTimeout(() => finish(), TIMEOUT_MS);
    await allSent;
    clearTimeout(timer);
    const rate = N / seconds(start);
    await worker.stop();
    closeTransports();
    if (sent < N) throw new Error(`only ${sent} of ${N} delivered within ${TIMEOUT_MS} ms`);
    return rate;
  } finally {
    await database.close();
  }
}

/** (b') Scale-out: the API here, `mailroom worker` in its own process on the same Postgres. */
async function endToEndSeparateWorker(storage: Storage, sinkPort: number): Promise<number> {
  const { database, post } = await setup(storage, sinkPort);
  const cli = join(here, '..', 'apps', 'api', 'src', 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'worker', '--events'], {
    cwd: join(here, '..', 'apps', 'api'),
    env: {
      ...process.env,
      MAILROOM_DATABASE_URL: storage.url,
      MAILROOM_SECRET_KEY: KEY,
      MAILROOM_ALLOW_PRIVATE_HOSTS: 'true',
      MAILROOM_WORKER_CONCURRENCY: '100',
      MAILROOM_WORKER_POLL_MS: '20',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let sent = 0;
  let started: () => void = () => {};
  let finish: () => void = () => {};
  const ready = new Promise<void>((r) => {
    started = r;
  });
  const allSent = new Promise<void>((r) => {
    finish = r;
  });
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('"started"')) started();
      if (line.includes('"recorded"') && line.includes('"status":"sent"') && ++sent >= N) finish();
    }
  });
  try {
    await ready;
    const start = process.hrtime.bigint();
    await pool(N, CLIENTS, (i) => post(i));
    const timer = setTimeout(() => finish(), TIMEOUT_MS);
    await allSent;
    clearTimeout(timer);
    if (sent < N) throw new Error(`only ${sent} of ${N} delivered within ${TIMEOUT_MS} ms`);
    return N / seconds(start);
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
    await database.close();
  }
}

/** (c) Queued API accepts per second, no worker running. */
async function acceptRate(storage: Storage, sinkPort: number): Promise<number> {
  const { database, post } = await setup(storage, sinkPort);
  try {
    await pool(50, CLIENTS, post); // warm-up: JIT, statement caches
    const start = process.hrtime.bigint();
    await pool(N, CLIENTS, (i) => post(i));
    return N / seconds(start);
  } finally {
    await database.close();
  }
}

/** (b) End to end: accept N through the API while the in-process worker delivers; until the last is sent. */
async function endToEnd(storage: Storage, sinkPort: number): Promise<{ e2e: number; accept: number }> {
  const { database, base, post } = await setup(storage, sinkPort);
  let sent = 0;
  let done: () => void = () => {};
  const allSent = new Promise<void>((resolve) => {
    done = resolve;
  });
  configureSmtpPool({ maxConnections: CONNECTIONS, maxMessages: 500 });
  const worker = startWorker({
    base,
    concurrency: 100,
    pollMs: 100,
    onEvent: (e) => {
      if (e.type === 'recorded' && e.status === 'sent' && ++sent >= N) done();
      if (e.type === 'error') console.error('worker:', e.message);
    },
  });
  try {
    const start = process.hrtime.bigint();
    await pool(N, CLIENTS, (i) => post(i));
    const accept = N / seconds(start);
    if (process.env.BENCH_DEBUG)
      console.error(`accepted in ${seconds(start).toFixed(2)} s, ${sent} sent by then`);
    const timer = setTimeout(() => done(), TIMEOUT_MS);
    await allSent;
    clearTimeout(timer);
    if (sent < N) throw new Error(`only ${sent} of ${N} delivered within ${TIMEOUT_MS} ms`);
    return { e2e: N / seconds(start), accept };
  } finally {
    await worker.stop();
    closeTransports();
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
const rows: Array<{ what: string; rate: number; ratio?: string }> = [];
try {
  const bare = only.has('bare') || only.has('postgres') || only.has('pglite') ? await bareLoop(sinkPort) : 0;
  rows.push({ what: 'bare nodemailer pooled loop → smtp-sink', rate: bare });
  const ofBare = (rate: number) => `${Math.round((rate / bare) * 100)} % of bare`;
  for (const [key, make] of [
    ['postgres', pgStorage],
    ['pglite', pgliteStorage],
  ] as const) {
    if (!only.has(key)) continue;
    // Every run gets a fresh database, dropped (or deleted) afterwards.
    const run = async (what: string, measure: (s: Storage) => Promise<number>, compare = false) => {
      const storage = make();
      try {
        const rate = await measure(storage);
        rows.push({
          what: `Mailroom ${storage.label}: ${what}`,
          rate,
          ...(compare ? { ratio: ofBare(rate) } : {}),
        });
      } finally {
        await storage.cleanup();
      }
    };
    await run('API accept → worker → smtp-sink', async (st) => (await endToEnd(st, sinkPort)).e2e, true);
    if (key === 'postgres') {
      await run(
        'API accept → `mailroom worker` process → smtp-sink',
        (st) => endToEndSeparateWorker(st, sinkPort),
        true,
      );
    }
    await run('worker alone, draining a full queue → smtp-sink', (st) => drainOnly(st, sinkPort), true);
    await run('sendMessage verb alone, queued (no HTTP, no auth)', (st) => verbRate(st, sinkPort));
    await run('queued API accepts (no worker)', (st) => acceptRate(st, sinkPort));
  }
} finally {
  await stopServer(sink);
}

const cpu = os.cpus();
const header = `${N} messages of ~1 KB, ${CLIENTS} API clients in flight, ${CONNECTIONS} SMTP connections; ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, Node ${process.version}`;
const table = [
  '| run | messages/s | |',
  '|---|---:|---|',
  ...rows.map((r) => `| ${r.what} | ${Math.round(r.rate)} | ${r.ratio ?? ''} |`),
].join('\n');
console.log(`\n${header}\n\n${table}\n`);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'send-throughput-latest.md'),
  `# send-throughput (${new Date().toISOString()})\n\n${header}\n\n${table}\n`,
);
process.exit(0);
