// A million rows: how accept, drain, the outbox list (filters, q, cursor paging) and the Main Log behave
// with 10,000 rows and with 1,000,000 rows of history, side by side, on Postgres and on PGlite.
//
//   npx -y pnpm@10.34.9 --filter @mailroom/bench run million-rows
//     [-- --only postgres,pglite --pg-sizes 10000,1000000 --pglite-sizes 10000,100000
//         --accepts 2000 --drain 5000 --requests 30 --keep]
//   a kept database again, without the fill: … -- --only postgres --pg-sizes 1000000 --reuse <database> [--keep]
//
// Each size gets a fresh database, filled in SQL (bench/lib/fill.ts): `history` messages in final states
// (one attempt each), history/10 queued (at least --drain), as many Main Log rows as messages, history/10
// fetched mails. Then, in this order: the list and log queries (p50/p95 per kind), queued accepts through
// the HTTP API (no worker), and the worker draining --drain messages to the mock mail server's SMTP.
// EXPLAIN ANALYZE of the main queries goes to bench/results/million-rows-explain-<store>-<size>.txt.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp } from '@mailroom/api';
import {
  type CtxBase,
  claimBatch,
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
  systemActor,
  vacuumEmbedded,
  type WorkerEvent,
} from '@mailroom/core';
import { startMockMailServer } from '@mailroom/mock-mailserver';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import {
  BENCH_EMPTY_TEAM,
  BENCH_TEAMS,
  CUSTOMERS,
  customerAddress,
  type FillSizes,
  fill,
  NOUN,
} from './lib/fill.ts';

const here = dirname(fileURLToPath(import.meta.url));
// `pnpm run million-rows -- --only …` hands the script a literal `--`, after which parseArgs would read no
// option at all (every run would be the default one): drop it.
const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  allowPositionals: true,
  options: {
    only: { type: 'string', default: 'postgres,pglite' },
    'pg-sizes': { type: 'string', default: '10000,1000000' },
    'pglite-sizes': { type: 'string', default: '10000,100000' },
    accepts: { type: 'string', default: '2000' },
    drain: { type: 'string', default: '5000' },
    /** Requests per kind of list query (11 kinds of outbox query, 10 of Main Log query, 4 of inbox). */
    requests: { type: 'string', default: '30' },
    clients: { type: 'string', default: '32' },
    keep: { type: 'boolean', default: false },
    /** An existing Postgres database a --keep run left (its name): skips the fill. */
    reuse: { type: 'string' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    /**
     * On a kept database (`--reuse`) and a server whose autovacuum is off: `auto` does what autovacuum
     * would have done since the last run (autovacuumOwed), `never` measures the tables as they are.
     */
    'stand-in': { type: 'string', default: 'auto' },
  },
});
const ACCEPTS = Number(args.accepts);
const DRAIN = Number(args.drain);
const REQUESTS = Number(args.requests);
const CLIENTS = Number(args.clients);
const KEY = generateKeySpec('bench');
const TIMEOUT_MS = 600_000;
const BODY = `Hello,\n\n${'This is a benchmark message of about one kilobyte. '.repeat(20)}\n`;

const sizesOf = (s: string) =>
  s
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
// A kept database is one size: with the default sizes it was measured twice, the first run under the
// 10,000 label.
if (args.reuse && args.only.split(',').includes('postgres') && sizesOf(args['pg-sizes']).length !== 1) {
  console.error(`--reuse measures one kept database: give its size alone, e.g. --pg-sizes 1000000`);
  process.exit(2);
}
const sizes = (n: number): FillSizes => ({
  history: n,
  queued: Math.max(DRAIN, Math.round(n / 10)),
  logs: n,
  inbox: Math.round(n / 10),
});

async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        const i = next++;
        await new Promise((r) => setImmediate(r));
        await task(i);
      }
    }),
  );
}

type Store = {
  label: string;
  kind: 'postgres' | 'pglite';
  open(): Promise<Database>;
  cleanup(): Promise<void>;
};

function pgStore(): Store {
  const name = args.reuse ?? `mailroom_million_${randomBytes(4).toString('hex')}`;
  const admin = postgres(args['pg-url'], { max: 1, onnotice: () => {} });
  const url = new URL(args['pg-url']);
  url.pathname = `/${name}`;
  return {
    label: `Postgres (${name})`,
    kind: 'postgres',
    async open() {
      if (!args.reuse) await admin.unsafe(`create database ${name}`);
      return openDatabase({ url: url.toString(), poolSize: 10 });
    },
    async cleanup() {
      if (!args.keep) await admin.unsafe(`drop database if exists ${name} with (force)`);
      else console.error(`kept database ${name}`);
      await admin.end();
    },
  };
}

function pgliteStore(): Store {
  const dir = mkdtempSync(join(os.tmpdir(), 'mailroom-million-'));
  return {
    label: 'PGlite',
    kind: 'pglite',
    open: () => openDatabase({ dataDir: join(dir, 'pglite') }),
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

type Row = { what: string; value: string };

/**
 * CPU of this process (all its threads: API, worker, delivery thread, the mock mail server, and PGlite when
 * it is the store) per item since `from`: unlike rates, it hardly moves with the load of a shared machine.
 */
const cpuPer = (from: NodeJS.CpuUsage, n: number) => {
  const used = process.cpuUsage(from);
  return ((used.user + used.system) / 1000 / n).toFixed(2);
};

/** The rows of a drizzle `execute` result on either driver. */
const resultRows = <T>(res: unknown): T[] =>
  (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as T[];

/**
 * What autovacuum would have done to the bench's tables by now, by its own rules and the server's settings:
 * a table with more dead rows than `autovacuum_vacuum_threshold` + `autovacuum_vacuum_scale_factor` ×
 * rows (or more inserts since its last vacuum than the insert threshold) is vacuumed and analyzed; one
 * with more changes since its last analyze than `autovacuum_analyze_threshold` +
 * `autovacuum_analyze_scale_factor` × rows is analyzed. Returns what was done, with the counts.
 */
async function autovacuumOwed(database: Database): Promise<string[]> {
  const tables = resultRows<{
    name: string;
    dead: number;
    mods: number;
    inserts: number;
    vacuum: boolean;
    analyze: boolean;
  }>(
    await database.db.execute(sql`
      select s.relname as name, s.n_dead_tup::int as dead, s.n_mod_since_analyze::int as mods,
        s.n_ins_since_vacuum::int as inserts,
        s.n_dead_tup > current_setting('autovacuum_vacuum_threshold')::float8
            + current_setting('autovacuum_vacuum_scale_factor')::float8 * c.reltuples
          or s.n_ins_since_vacuum > current_setting('autovacuum_vacuum_insert_threshold')::float8
            + current_setting('autovacuum_vacuum_insert_scale_factor')::float8 * c.reltuples as vacuum,
        s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
            + current_setting('autovacuum_analyze_scale_factor')::float8 * c.reltuples as analyze
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      where s.relname in ('messages', 'message_attempts', 'logs', 'inbox_messages')
      order by s.relname`),
  );
  const done: string[] = [];
  for (const t of tables) {
    if (!t.vacuum && !t.analyze) continue;
    await database.db.execute(sql.raw(`${t.vacuum ? 'vacuum (analyze)' : 'analyze'} ${t.name}`));
    done.push(
      `${t.vacuum ? 'vacuum + analyze' : 'analyze'} ${t.name}: ${t.mods} changes, ${t.dead} dead, ${t.inserts} inserts`,
    );
  }
  return done;
}

async function measure(store: Store, n: number, smtpPort: number): Promise<{ rows: Row[]; explain: string }> {
  const rows: Row[] = [];
  const step = (what: string) => {
    if (process.env.BENCH_DEBUG) console.error(`  … ${what}`);
  };
  const t0 = performance.now();
  const database = await store.open();
  rows.push({ what: 'open + migrate (s)', value: ((performance.now() - t0) / 1000).toFixed(1) });
  let autovacuumOff = false;
  if (store.kind === 'postgres') {
    // What the figures depend on besides the code: the server's memory for pages, and whether autovacuum
    // keeps an aged database's statistics and visibility (this machine's CI server runs without it).
    const [server] = resultRows<{ version: string; buffers: string; autovacuum: boolean }>(
      await database.db.execute(sql`select split_part(version(), ' ', 2) as version,
        current_setting('shared_buffers') as buffers,
        current_setting('autovacuum')::bool and current_setting('track_counts')::bool as autovacuum`),
    );
    autovacuumOff = server?.autovacuum === false;
    rows.push({
      what: 'Postgres server',
      value: `${server?.version}, shared_buffers ${server?.buffers}, autovacuum ${autovacuumOff ? 'off' : 'on'}`,
    });
  }
  const base: CtxBase = {
    db: database.db,
    secrets: createSecretBox(parseKeySpec(KEY)),
    config: { ...defaultCoreConfig, allowPrivateHosts: true },
    outbox: createOutbox(database.db, { smtp: { maxConnections: 5, maxMessages: 500, thread: true } }),
  };
  const ctx = createContext(base, systemActor);
  step('opened');
  try {
    const account = await createAccount({
      ctx,
      input: {
        name: `Bench mock ${randomBytes(3).toString('hex')}`,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: smtpPort,
          security: 'none',
          from: { address: 'bench@example.com' },
          sendMode: 'queued',
        },
      },
    });
    step('account');
    if (!args.reuse) {
      const f0 = performance.now();
      const took = await fill(database.db, account.id, sizes(n));
      rows.push({
        what: 'fill (s)',
        value: `${((performance.now() - f0) / 1000).toFixed(1)} (${Object.entries(took)
          .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`)
          .join(', ')})`,
      });
    }
    if (args.reuse && autovacuumOff && args['stand-in'] !== 'never') {
      // The previous runs' writes (100,000 messages moved, accepts, a drain) on a server without autovacuum:
      // do what autovacuum would have done with them by now, and say what that was (docs/DEPLOY.md asks
      // for autovacuum; no deployment is measured here without it). The move below comes after, as the
      // bench's own write just before the lists, which autovacuum would not have caught up with yet.
      const a0 = performance.now();
      const done = await autovacuumOwed(database);
      rows.push({
        what: "autovacuum's work owed, done before the lists (this server's autovacuum is off) (s)",
        value: `${((performance.now() - a0) / 1000).toFixed(1)} (${done.join('; ') || 'nothing owed'})`,
      });
    }
    if (args.reuse) {
      // A kept database's queue belongs to the account of the run that filled it, whose mock server is gone.
      await database.db.execute(sql`
        update messages set account_id = ${account.id}, status = 'queued', lease_owner = null, lease_expires_at = null
        where status in ('queued', 'deferred', 'sending')`);
    }
    step('filled');
    const { token } = await createToken({
      ctx,
      input: { name: `bench-${randomBytes(3).toString('hex')}`, role: 'admin' },
    });
    const app = createApp({ base, ping: async () => true });
    const get = async (path: string) => {
      const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { items: unknown[]; nextCursor: string | null };
    };
    const timed = async (path: string) => {
      const s = performance.now();
      const body = await get(path);
      return { ms: performance.now() - s, body };
    };
    // Search terms as people type them: a customer's whole address (about five messages in a million, or
    // none in a small fill), the local part only, a product word (one in 60 subjects).
    const rnd = (k: number) => Math.floor(Math.random() * k);
    const customer = () => encodeURIComponent(customerAddress(rnd(CUSTOMERS)));
    const localPart = () => encodeURIComponent(customerAddress(rnd(CUSTOMERS)).split('@')[0] as string);
    const word = () => encodeURIComponent(NOUN[rnd(NOUN.length)] as string);
    const kinds: Array<[string, () => string]> = [
      ['outbox: newest 50', () => '/api/v1/messages'],
      ['outbox: status=failed', () => '/api/v1/messages?status=failed'],
      ['outbox: accountId', () => `/api/v1/messages?accountId=acc${1 + rnd(9)}`],
      ['outbox: q one customer address (~5 rows)', () => `/api/v1/messages?q=${customer()}`],
      ['outbox: q local part of an address', () => `/api/v1/messages?q=${localPart()}`],
      ['outbox: q common word (invoice, 1 in 16)', () => '/api/v1/messages?q=invoice'],
      ['outbox: q a product word (1 in 60)', () => `/api/v1/messages?q=${word()}`],
      ['outbox: status=sent + q product word', () => `/api/v1/messages?status=sent&q=${word()}`],
      ['outbox: teamId (3 in 10)', () => `/api/v1/messages?teamId=${BENCH_TEAMS[rnd(2)]}`],
      ['outbox: teamId=system (4 in 10)', () => '/api/v1/messages?teamId=system'],
      ['outbox: teamId + q product word', () => `/api/v1/messages?teamId=${BENCH_TEAMS[rnd(2)]}&q=${word()}`],
      ['log: newest 50', () => '/api/v1/logs'],
      ['log: source=smtp_auth', () => '/api/v1/logs?source=smtp_auth'],
      ['log: level=error', () => '/api/v1/logs?level=error'],
      ['log: accountId + level', () => `/api/v1/logs?accountId=acc${1 + rnd(9)}&level=warning`],
      ['log: teamId (3 in 10)', () => `/api/v1/logs?teamId=${BENCH_TEAMS[rnd(2)]}`],
      ['log: teamId=system (4 in 10, and rows of no account)', () => '/api/v1/logs?teamId=system'],
      ['log: teamId of a team with no account', () => `/api/v1/logs?teamId=${BENCH_EMPTY_TEAM}`],
      ['log: q one customer address', () => `/api/v1/logs?q=${customer()}`],
      ['log: q a word (deferred)', () => '/api/v1/logs?q=deferred'],
      [
        'log: condition builder (source and level)',
        () =>
          `/api/v1/logs?filter=${encodeURIComponent(
            JSON.stringify({
              all: [
                { field: 'source', op: 'eq', value: 'outgoing' },
                { field: 'level', op: 'in', value: ['error', 'warning'] },
              ],
            }),
          )}`,
      ],
      ['inbox: newest 50', () => '/api/v1/inbox'],
      ['inbox: q one sender', () => `/api/v1/inbox?q=${customer()}`],
      // Every fetched mail is the bench account's (no team): a team's page is empty, the system's is all.
      ['inbox: teamId with none of its mail', () => `/api/v1/inbox?teamId=${BENCH_TEAMS[rnd(2)]}`],
      ['inbox: teamId=system', () => '/api/v1/inbox?teamId=system'],
    ];
    step('lists');
    // Warm-up: every kind twice (JIT, plans, and the pool's connections' first searches), so the timed
    // requests are those of a server that has been up a while (the pool keeps its connections: db/client.ts).
    // Each kind's first request is reported apart, for the outbox and the Main Log: a request on connections
    // that have not searched yet costs more (docs/DEPLOY.md, "On the Postgres side").
    const firstOf = { outbox: [] as number[], log: [] as number[] };
    for (const [what, path] of kinds) {
      for (let i = 0; i < 2; i++) {
        const { ms } = await timed(path());
        if (i === 0 && what.startsWith('outbox')) firstOf.outbox.push(ms);
        if (i === 0 && what.startsWith('log')) firstOf.log.push(ms);
      }
    }
    for (const [list, ms] of [
      ['GET /messages', firstOf.outbox],
      ['GET /logs', firstOf.log],
    ] as const) {
      rows.push({
        what: `${list}, each kind's first request after the start (ms p50 / max)`,
        value: `${quantile(ms, 0.5).toFixed(1)} / ${Math.max(...ms).toFixed(1)}`,
      });
    }
    const allOutbox: number[] = [];
    const allLog: number[] = [];
    for (const [what, path] of kinds) {
      const ms: number[] = [];
      for (let i = 0; i < REQUESTS; i++) ms.push((await timed(path())).ms);
      (what.startsWith('outbox') ? allOutbox : what.startsWith('log') ? allLog : []).push(...ms);
      rows.push({
        what: `${what} (ms p50 / p95)`,
        value: `${quantile(ms, 0.5).toFixed(1)} / ${quantile(ms, 0.95).toFixed(1)}`,
      });
    }
    // Cursor paging: 20 pages deep, following nextCursor, with a filter.
    for (const [what, first] of [
      ['outbox: status=sent, 20 pages by cursor', '/api/v1/messages?status=sent'],
      ['log: level=info, 20 pages by cursor', '/api/v1/logs?level=info'],
    ] as const) {
      const ms: number[] = [];
      let path: string | null = first;
      for (let i = 0; i < 20 && path; i++) {
        const r = await timed(path);
        ms.push(r.ms);
        path = r.body.nextCursor ? `${first}&cursor=${encodeURIComponent(r.body.nextCursor)}` : null;
      }
      (what.startsWith('outbox') ? allOutbox : allLog).push(...ms);
      rows.push({
        what: `${what} (ms p50 / p95)`,
        value: `${quantile(ms, 0.5).toFixed(1)} / ${quantile(ms, 0.95).toFixed(1)}`,
      });
    }
    rows.push({
      what: `GET /messages, all ${allOutbox.length} requests (ms p50 / p95)`,
      value: `${quantile(allOutbox, 0.5).toFixed(1)} / ${quantile(allOutbox, 0.95).toFixed(1)}`,
    });
    rows.push({
      what: `GET /logs, all ${allLog.length} requests (ms p50 / p95)`,
      value: `${quantile(allLog, 0.5).toFixed(1)} / ${quantile(allLog, 0.95).toFixed(1)}`,
    });

    // Queued accepts through the HTTP API, no worker running.
    const post = async (i: number) => {
      const body = JSON.stringify({
        accountId: account.id,
        to: [`new${i}@example.org`],
        subject: `Bench ${i}`,
        text: BODY,
      });
      const res = await app.request('/api/v1/messages', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
      });
      if (res.status !== 202) throw new Error(`POST /messages answered ${res.status}: ${await res.text()}`);
    };
    step('accepts');
    await pool(100, CLIENTS, post);
    const a0 = performance.now();
    const ac0 = process.cpuUsage();
    await pool(ACCEPTS, CLIENTS, (i) => post(100 + i));
    const acceptRate = ACCEPTS / ((performance.now() - a0) / 1000);
    rows.push({ what: 'queued accepts through the API (msg/s)', value: acceptRate.toFixed(0) });
    rows.push({ what: '… CPU of the bench process per accept (ms)', value: cpuPer(ac0, ACCEPTS) });

    // Drain: the worker sends DRAIN messages (the oldest due first) to the mock mail server.
    let sent = 0;
    let done: () => void = () => {};
    const reached = new Promise<void>((r) => {
      done = r;
    });
    const abort = new AbortController();
    const onEvent = (e: WorkerEvent) => {
      if (e.type === 'error') console.error('worker:', e.message);
      if (process.env.BENCH_DEBUG && e.type === 'recorded' && e.status !== 'sent')
        console.error('  not sent:', e.status);
      if (e.type === 'recorded' && e.status === 'sent' && ++sent === DRAIN) done();
    };
    step('drain');
    const d0 = performance.now();
    const dc0 = process.cpuUsage();
    const worker = runWorker({
      base,
      workerId: `bench-${randomBytes(3).toString('hex')}`,
      signal: abort.signal,
      concurrency: 100,
      pollMs: 100,
      onEvent,
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      reached,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`only ${sent} of ${DRAIN} sent in time`)), TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    const drainRate = DRAIN / ((performance.now() - d0) / 1000);
    abort.abort();
    await worker;
    rows.push({ what: `drain to the mock SMTP, ${DRAIN} messages (msg/s)`, value: drainRate.toFixed(0) });
    rows.push({ what: '… CPU of the bench process per message drained (ms)', value: cpuPer(dc0, DRAIN) });
    // PGlite has no autovacuum: the retention job vacuums and analyzes every table after each run, and
    // the database waits for each table's vacuum. Here after the accepts and the drain.
    if (store.kind === 'pglite') {
      const vacuumed = await vacuumEmbedded(ctx);
      rows.push({
        what: 'vacuum + analyze of every table, as retention runs it (ms)',
        value: String(vacuumed?.durationMs ?? '-'),
      });
    }

    rows.push(...(await claimBodies(database, base, account.id)));
    const explain = await explainAll(database, account.id);
    return { rows, explain };
  } finally {
    await base.outbox.close();
    await database.close();
  }
}

/**
 * Does a message's body slow the claim? 500 due messages with a 0.5 KB text body, then 500 with a 100 KB
 * attachment (TOASTed), each claimed 100 at a time by claimBatch (the worker's claim: SELECT … FOR UPDATE
 * SKIP LOCKED, then UPDATE … RETURNING the rows the worker sends); ms per claim of 100, median of 5.
 */
async function claimBodies(database: Database, base: CtxBase, accountId: string): Promise<Row[]> {
  const ctx = createContext(base, systemActor);
  const attachment = Buffer.alloc(75_000, 7).toString('base64'); // 100 KB of base64
  const rows: Row[] = [];
  for (const [label, big, day] of [
    ['claim 100 due messages, 0.5 KB text body (ms, median of 5)', false, '2000-01-01'],
    ['claim 100 due messages, 100 KB attachment each (ms, median of 5)', true, '2000-01-02'],
  ] as const) {
    await database.db.execute(sql`
      insert into messages (id, account_id, status, mode, route_reason, from_address, "to", recipients, subject, text,
                            attachments, created_at, updated_at, next_attempt_at)
      select 'c' || ${big ? 'b' : 's'} || i, ${accountId}, 'queued', 'queued', 'account_id', 'bench@example.com',
             '["claim@example.org"]'::jsonb, '[{"address":"claim@example.org","status":"pending","reply":null}]'::jsonb,
             'Claim ' || i, repeat('Lorem ipsum dolor sit amet, consectetur adipiscing. ', 11),
             ${big ? sql`jsonb_build_array(jsonb_build_object('filename', 'a.bin', 'contentType', 'application/octet-stream', 'contentBase64', ${attachment}::text))` : sql`'[]'::jsonb`},
             now(), now(), ${day}::timestamptz + i * interval '1 millisecond'
      from generate_series(1, 500) as i`);
    const ms: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      const claimed = await claimBatch({
        ctx,
        input: { workerId: 'claim-bench', limit: 100, leaseMs: 600_000 },
      });
      ms.push(performance.now() - t);
      if (claimed.length !== 100 || !claimed.every((m) => m.id.startsWith(big ? 'cb' : 'cs'))) {
        throw new Error(`claimed ${claimed.length} messages, not the 100 ${label} ones`);
      }
    }
    rows.push({ what: label, value: quantile(ms, 0.5).toFixed(1) });
  }
  // What a separate message_bodies table would do: a narrow claim (ids only), then the bodies by id.
  await database.db.execute(sql`
    insert into messages (id, account_id, status, mode, route_reason, from_address, "to", recipients, subject, text,
                          attachments, created_at, updated_at, next_attempt_at)
    select 'cn' || i, ${accountId}, 'queued', 'queued', 'account_id', 'bench@example.com', '["claim@example.org"]'::jsonb,
           '[{"address":"claim@example.org","status":"pending","reply":null}]'::jsonb, 'Claim ' || i,
           repeat('Lorem ipsum dolor sit amet, consectetur adipiscing. ', 11),
           jsonb_build_array(jsonb_build_object('filename', 'a.bin', 'contentType', 'application/octet-stream', 'contentBase64', ${attachment}::text)),
           now(), now(), '2000-01-03'::timestamptz + i * interval '1 millisecond'
    from generate_series(1, 500) as i`);
  const narrow: number[] = [];
  const split: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    const res = await database.db.execute(sql`
      update messages set status = 'sending', lease_owner = 'claim-bench', lease_expires_at = now() + interval '10 minutes'
      where id in (select id from messages where status = 'queued' and next_attempt_at <= now()
                   order by next_attempt_at limit 100 for update skip locked)
      returning id`);
    const ids = resultRows<{ id: string }>(res).map((r) => r.id);
    narrow.push(performance.now() - t);
    const bodies = await database.db.execute(
      sql`select id, text, html, attachments from messages where id in ${sql`(${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`}`,
    );
    split.push(performance.now() - t);
    const got = (Array.isArray(bodies) ? bodies : (bodies as { rows: unknown[] }).rows).length;
    if (ids.length !== 100 || got !== 100 || !ids.every((id) => id.startsWith('cn'))) {
      throw new Error(`narrow claim got ${ids.length} ids and ${got} bodies`);
    }
  }
  rows.push({
    what: 'narrow claim of 100 (ids only), 100 KB bodies (ms, median of 5)',
    value: quantile(narrow, 0.5).toFixed(1),
  });
  rows.push({
    what: 'narrow claim of 100 + loading their 100 KB bodies by id (ms, median of 5)',
    value: quantile(split, 0.5).toFixed(1),
  });
  await database.db.execute(sql`delete from messages where lease_owner = 'claim-bench'`);
  return rows;
}

/** EXPLAIN ANALYZE of the queries the lists and the claim run (Postgres and PGlite alike). */
async function explainAll(database: Database, accountId: string): Promise<string> {
  const search = (cols: string) => cols.split(',').join(` || E'\\n' || `);
  const msgText = search(`subject,from_address,"to"::text,cc::text,bcc::text`);
  const who = customerAddress(123457);
  const queries: Array<[string, string]> = [
    [
      'outbox newest, cursor',
      `select id from messages where internal = false and (created_at, id) < (now() - interval '100 days', 'x') order by created_at desc, id desc limit 51`,
    ],
    [
      'outbox status=failed',
      `select id from messages where status in ('failed') and internal = false order by created_at desc, id desc limit 51`,
    ],
    [
      'outbox status=sent, newest 51, as before (status = …: the planner may walk the time index)',
      `select id from messages where status = 'sent' and internal = false order by created_at desc, id desc limit 51`,
    ],
    [
      'outbox status=sent, newest 51, as now (status = any(array[…]), sorted by status first: the status index)',
      `select id from messages where status = any(array['sent']::text[]) and internal = false order by status desc, created_at desc, id desc limit 51`,
    ],
    [
      'outbox q one customer, whole address (exact indexes: lower(from_address), GIN on the recipients)',
      `select id from messages where (lower(from_address) = '${who}' or lower(("to" || cc || bcc)::text)::jsonb @> '["${who}"]'::jsonb) and internal = false order by created_at desc, id desc limit 51`,
    ],
    [
      'outbox q one customer as text (trigram index; what a whole address did before)',
      `select id from messages where (${msgText}) ilike '%${who}%' and internal = false order by created_at desc, id desc limit 51`,
    ],
    [
      'outbox q the local part of an address (trigram index, all matches, sorted apart)',
      `select id from messages where (${msgText}) ilike '%${who.split('@')[0]}%' and internal = false order by created_at desc nulls last, id desc nulls last limit 51`,
    ],
    [
      'outbox q a product word (1 in 60), the planner left alone (what q did before)',
      `select id from messages where (${msgText}) ilike '%kettle%' and internal = false order by created_at desc, id desc limit 51`,
    ],
    ...['kettle', 'invoice'].map((w): [string, string] => [
      `outbox q ${w}, window of 8 days with its count, sorted apart (what q does now)`,
      `select id, count(*) over () from messages where (${msgText}) ilike '%${w}%' and internal = false and created_at >= now() - interval '8 days' order by created_at desc nulls last, id desc nulls last limit 51`,
    ]),
    [
      'outbox status=sent + q a product word, window of 8 days with its count, sorted apart',
      `select id, count(*) over () from messages where (${msgText}) ilike '%kettle%' and status in ('sent') and internal = false and created_at >= now() - interval '8 days' order by created_at desc nulls last, id desc nulls last limit 51`,
    ],
    ...['kettle', 'invoice'].map((w): [string, string] => [
      `outbox count (capped), q ${w}`,
      `select count(*) from (select 1 from messages where (${msgText}) ilike '%${w}%' and internal = false limit 1001) m`,
    ]),
    [
      'outbox count (capped), status=sent',
      `select count(*) from (select 1 from messages where status in ('sent') and internal = false limit 1001) m`,
    ],
    [
      'inbox newest 50',
      `select m.id, a.name from inbox_messages m join accounts a on a.id = m.account_id where m.kind = 'mail' order by m.fetched_at desc, m.id desc limit 51`,
    ],
    ['log level=error', `select id from logs where level = 'error' order by at desc, id desc limit 51`],
    [
      'log q one customer',
      `select id from logs where (message || E'\\n' || coalesce(actor, '')) ilike '%${who}%' order by at desc, id desc limit 51`,
    ],
    [
      'log q a word (deferred, 1 in 8)',
      `select id from logs where (message || E'\\n' || coalesce(actor, '')) ilike '%deferred%' order by at desc, id desc limit 51`,
    ],
    [
      'claim (the worker)',
      `select m.id from messages m join accounts a on a.id = m.account_id where ((m.status in ('queued','deferred') and m.next_attempt_at <= now()) or (m.status = 'sending' and m.lease_expires_at <= now())) and a.stage = 'active' and (a.paused_until is null or a.paused_until <= now()) order by m.next_attempt_at limit 100 for update of m skip locked`,
    ],
  ];
  const out: string[] = [`account ${accountId}`];
  for (const [what, q] of queries) {
    const res = await database.db.execute(sql.raw(`explain (analyze, buffers) ${q}`));
    const lines = resultRows<Record<string, string>>(res).map((r) => Object.values(r)[0]);
    out.push(`== ${what}\n${q}\n${lines.join('\n')}\n`);
  }
  return out.join('\n');
}

const mock = await startMockMailServer({
  smtpPort: 0,
  smtpsPort: false,
  pop3Port: false,
  imapPort: false,
  imapsPort: false,
  httpPort: false,
});
const results: Array<{ store: string; size: number; rows: Row[] }> = [];
mkdirSync(join(here, 'results'), { recursive: true });
try {
  for (const [key, make, list] of [
    ['postgres', pgStore, sizesOf(args['pg-sizes'])],
    ['pglite', pgliteStore, sizesOf(args['pglite-sizes'])],
  ] as const) {
    if (!args.only.split(',').includes(key)) continue;
    for (const n of list) {
      const store = make();
      console.error(`${store.label}: ${n.toLocaleString('en')} rows …`);
      try {
        const { rows, explain } = await measure(store, n, mock.smtpPort);
        results.push({ store: store.kind, size: n, rows });
        writeFileSync(join(here, 'results', `million-rows-explain-${store.kind}-${n}.txt`), explain);
        for (const r of rows) console.error(`  ${r.what}: ${r.value}`);
      } finally {
        await store.cleanup();
      }
    }
  }
} finally {
  await mock.close();
}

const cpu = os.cpus();
const header = `${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, Node ${process.version}; ${ACCEPTS} accepts (${CLIENTS} clients), drain ${DRAIN}, ${REQUESTS} requests per list kind`;
const tables: string[] = [];
for (const storeKind of ['postgres', 'pglite'] as const) {
  const mine = results.filter((r) => r.store === storeKind);
  if (mine.length === 0) continue;
  const whats = [...new Set(mine.flatMap((r) => r.rows.map((x) => x.what)))];
  tables.push(
    [
      `### ${storeKind === 'postgres' ? 'Postgres' : 'PGlite'}`,
      '',
      `| measure | ${mine.map((r) => `${r.size.toLocaleString('en')} rows`).join(' | ')} |`,
      `|---|${mine.map(() => '---:').join('|')}|`,
      ...whats.map(
        (w) => `| ${w} | ${mine.map((r) => r.rows.find((x) => x.what === w)?.value ?? '').join(' | ')} |`,
      ),
    ].join('\n'),
  );
}
const report = `${header}\n\n${tables.join('\n\n')}\n`;
console.log(`\n${report}`);
writeFileSync(
  join(here, 'results', 'million-rows-latest.md'),
  `# million-rows (${new Date().toISOString()})\n\n${report}`,
);
process.exit(0);
