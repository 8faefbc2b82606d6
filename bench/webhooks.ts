// Webhook delivery throughput: Mailroom's dispatcher (claim leased batches → sign → POST through the
// door → group-commit every attempt) side by side with a bare loop posting the same signed payloads
// through the same door to the same local receiver (a separate process), with the same concurrency,
// on PGlite and on Postgres, in one run.
//
//   npx -y pnpm@10.34.9 --filter @mailroom/bench run webhooks [-- --events 5000 --concurrency 32 --only pglite,postgres --warmup 3000 --rounds 1]
//
// With `--rounds N` each store runs N rounds of the bare loop then the dispatcher, each on new events, and
// the summary gives each round's share and their median: on a shared machine the bare loop alone moves by
// half from one run to the next, so one pair says little.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createWebhook,
  type Database,
  guardedRequest,
  openDatabase,
  payloadOf,
  runDispatcher,
} from '@mailroom/core';
import postgres from 'postgres';
import { Webhook } from 'standardwebhooks';
import { cpuByCommand, cpuSince, machineBusy } from './lib/cpu.ts';
import { benchContext, benchEventData, storeBenchEvents } from './lib/webhook-events.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  // pnpm passes a literal `--` on; everything after it would otherwise be positionals.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  allowPositionals: true,
  options: {
    events: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    only: { type: 'string', default: 'pglite,postgres' },
    // Which loops run (`--loops dispatcher` with `node --cpu-prof` profiles the dispatcher alone).
    loops: { type: 'string', default: 'bare,dispatcher' },
    // Writes a V8 CPU profile of each loop alone, the last round's (`<prefix>-<store>.cpuprofile`, `<prefix>-bare-<store>.cpuprofile`).
    profile: { type: 'string' },
    // The dispatcher's group-commit linger in ms (default: the dispatcher's own).
    linger: { type: 'string' },
    // Payloads posted (not timed) before the first loop, so no loop runs with cold code (0: none).
    warmup: { type: 'string', default: '3000' },
    // Rounds per store of the bare loop then the dispatcher, each on new events (the median share is given).
    rounds: { type: 'string', default: '1' },
  },
});
const EVENTS = Number(args.events);
const CONCURRENCY = Number(args.concurrency);
const ROUNDS = Math.max(1, Number(args.rounds));
const PG_URL = process.env.MAILROOM_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function startSink(): Promise<{ url: string; proc: ChildProcess; count(): Promise<number> }> {
  const proc = spawn(process.execPath, [join(here, 'lib', 'webhook-sink.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  sinkPid = proc.pid ?? 0;
  const port = await new Promise<number>((resolve) =>
    proc.stdout?.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
  );
  const url = `http://127.0.0.1:${port}/hooks`;
  return {
    url,
    proc,
    async count() {
      const r = await guardedRequest(`http://127.0.0.1:${port}/count`, {
        timeoutMs: 5000,
        allowPrivateHosts: true,
      });
      return (JSON.parse(r.body) as { acknowledged: number }).acknowledged;
    },
  };
}

type Result = {
  what: string;
  seconds: number;
  perSecond: number;
  cpu: string;
  busy: string;
  /** CPU milliseconds per event: this process, the receiver, every postgres process (load-insensitive). */
  perEvent: string;
  /** The dispatcher's claims and writes: how many, rows each on average. */
  batches?: string;
};

const mean = (xs: number[]) => (xs.length === 0 ? 0 : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length));

/** User+system CPU seconds of one process (Linux /proc). */
function cpuOfPid(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

let sinkPid = 0;

/**
 * CPU per event from here on: the bench process (the loop or the dispatcher, PGlite included), the
 * receiver, and the Postgres backends serving this run's database (other engineers' databases on the same
 * server are not counted; `backends` lists the pids, a backend that ended meanwhile is missed).
 */
async function cpuPerEvent(
  backends: () => Promise<number[]> = async () => [],
): Promise<(events: number) => Promise<string>> {
  const own = process.cpuUsage();
  const sink = cpuOfPid(sinkPid);
  const pgBefore = new Map((await backends()).map((pid) => [pid, cpuOfPid(pid)]));
  return async (events) => {
    const used = process.cpuUsage(own);
    const ms = (s: number) => ((s * 1000) / events).toFixed(2);
    let pg = 0;
    for (const pid of await backends()) pg += cpuOfPid(pid) - (pgBefore.get(pid) ?? 0);
    return `bench ${ms((used.user + used.system) / 1e6)}, sink ${ms(cpuOfPid(sinkPid) - sink)}, postgres ${ms(pg)}`;
  };
}

async function bareLoop(
  url: string,
  secret: string,
  payloads: Array<{ id: string; body: string }>,
): Promise<Result> {
  const signer = new Webhook(secret);
  let next = 0;
  const cpu = cpuByCommand();
  const busy = machineBusy();
  const perEvent = await cpuPerEvent();
  const started = performance.now();
  const lane = async () => {
    while (next < payloads.length) {
      const p = payloads[next++]!;
      const at = new Date();
      const res = await guardedRequest(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': p.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signer.sign(p.id, at, p.body),
        },
        body: p.body,
        timeoutMs: 15_000,
        allowPrivateHosts: true,
      });
      if (res.status >= 300) throw new Error(`sink answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = (performance.now() - started) / 1000;
  return {
    what: 'bare loop',
    seconds,
    perSecond: payloads.length / seconds,
    cpu: cpuSince(cpu, seconds),
    busy: busy(),
    perEvent: await perEvent(payloads.length),
  };
}

async function openStore(
  kind: string,
): Promise<{ database: Database; backends(): Promise<number[]>; cleanup(): Promise<void> }> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'mailroom-bench-webhooks-'));
    const database = await openDatabase({ dataDir: dir });
    return {
      database,
      backends: async () => [],
      async cleanup() {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `mailroom_bench_wh_${randomBytes(4).toString('hex')}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 10 });
  return {
    database,
    async backends() {
      const rows = await admin<
        Array<{ pid: number }>
      >`select pid from pg_stat_activity where datname = ${name}`;
      return rows.map((r) => Number(r.pid));
    },
    async cleanup() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** With `--profile`: a V8 CPU profile of what runs until the returned stop (written as `<prefix>-<name>.cpuprofile`). */
async function startProfile(): Promise<(name: string) => Promise<void>> {
  if (!args.profile) return async () => {};
  const profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
  await profiler.post('Profiler.start');
  return async (name) => {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(`${args.profile}-${name}.cpuprofile`, JSON.stringify(profile));
    profiler.disconnect();
  };
}

async function main() {
  console.log(
    `webhooks bench: ${EVENTS} events, ${CONCURRENCY} requests at once, node ${process.version}, ${os.cpus().length} CPUs (${os.loadavg()[0]?.toFixed(1)} load)`,
  );
  const sink = await startSink();
  const rows: Result[] = [];
  try {
    // Warm-up, not timed: the first loop of a process ran with cold code (the door, the signer, HTTP),
    // costing it about half again as much CPU per event as the loops after it, which flattered the
    // share of whichever store ran first.
    if (args.warmup !== '0') {
      const warm = Array.from({ length: Number(args.warmup) }, (_, i) => ({
        id: `warm-${i}`,
        body: payloadOf({ type: 'message.sent', createdAt: new Date(), data: benchEventData(i) }),
      }));
      await bareLoop(sink.url, `whsec_${randomBytes(24).toString('base64')}`, warm);
    }
    for (const kind of args.only.split(',')) {
      const { database, backends, cleanup } = await openStore(kind);
      try {
        const { base, ctx } = benchContext(database);
        const hook = await createWebhook({ ctx, input: { url: sink.url } });
        for (let round = 1; round <= ROUNDS; round += 1) {
          // The same events for both: stored first (not timed), the bare loop posts their payloads.
          const ids = await storeBenchEvents(ctx, EVENTS);
          const at = new Date();
          const payloads = ids.map((id, i) => ({
            id: `bare-${kind}-${id}`,
            body: payloadOf({ type: 'message.sent', createdAt: at, data: benchEventData(i) }),
          }));
          const loops = args.loops.split(',');
          const tag = ROUNDS > 1 ? `, round ${round}` : '';
          if (loops.includes('bare')) {
            const stopProfile = await startProfile();
            const bare = await bareLoop(sink.url, hook.secret, payloads);
            await stopProfile(`bare-${kind}`);
            rows.push({ ...bare, what: `bare loop (${kind} run${tag})` });
          }
          if (!loops.includes('dispatcher')) continue;

          const stopProfile = await startProfile();
          const cpu = cpuByCommand();
          const busy = machineBusy();
          const perEvent = await cpuPerEvent(backends);
          let done = 0;
          const claims: number[] = [];
          const writes: number[] = [];
          const started = performance.now();
          await runDispatcher({
            base,
            workerId: 'bench',
            signal: new AbortController().signal,
            concurrency: CONCURRENCY,
            exitWhenIdle: true,
            ...(args.linger ? { commitLingerMs: Number(args.linger) } : {}),
            pollMs: 50,
            onEvent: (e) => {
              if (e.type === 'attempted' && e.ok) done += 1;
              if (e.type === 'claimed') claims.push(e.count);
              if (e.type === 'recorded') writes.push(e.count);
              if (e.type === 'error') console.error(e.message);
            },
          });
          const seconds = (performance.now() - started) / 1000;
          await stopProfile(kind);
          if (done !== EVENTS) throw new Error(`dispatcher delivered ${done} of ${EVENTS}`);
          rows.push({
            what: `dispatcher on ${kind}${tag}`,
            seconds,
            perSecond: EVENTS / seconds,
            cpu: cpuSince(cpu, seconds),
            busy: busy(),
            perEvent: await perEvent(EVENTS),
            batches: `${claims.length} claims of ${mean(claims)}, ${writes.length} writes of ${mean(writes)}`,
          });
        }
        await base.outbox.close();
      } finally {
        await cleanup();
      }
    }
    const acknowledged = await sink.count();
    console.log(`sink acknowledged ${acknowledged} distinct ids`);
  } finally {
    sink.proc.kill('SIGTERM');
  }
  console.log('');
  console.log(
    '| run | events/s | seconds | share of the bare loop | CPU ms per event | batches | CPU (share of one core) | machine |',
  );
  console.log('| --- | ---: | ---: | ---: | --- | --- | --- | --- |');
  let bare = 0;
  const shares = new Map<string, number[]>();
  for (const r of rows) {
    if (r.what.startsWith('bare')) bare = r.perSecond;
    const share = r.what.startsWith('bare') || bare === 0 ? undefined : (r.perSecond / bare) * 100;
    if (share !== undefined) {
      const store = r.what.replace(/^dispatcher on /, '').replace(/, round \d+$/, '');
      shares.set(store, [...(shares.get(store) ?? []), share]);
    }
    console.log(
      `| ${r.what} | ${Math.round(r.perSecond)} | ${r.seconds.toFixed(2)} | ${share === undefined ? '' : `${Math.round(share)} %`} | ${r.perEvent} | ${r.batches ?? ''} | ${r.cpu} | ${r.busy} |`,
    );
  }
  if (ROUNDS > 1) {
    console.log('');
    for (const [store, xs] of shares) {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = sorted.length / 2;
      const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      console.log(
        `${store}: share of the bare loop over ${xs.length} rounds: median ${Math.round(median)} % (${sorted.map((x) => Math.round(x)).join(', ')} %)`,
      );
    }
  }
}

await main();
