// Ingest benchmark for the mock mail server, side by side with MailDev 3, a bare
// smtp-server + mailparser sink and postfix's smtp-sink, all driven by postfix's
// smtp-source on loopback. See docs/PERFORMANCE.md for the figures and how to read them.
//
//   npx -y pnpm@10.34.9 --filter @mailroom/bench run mock-ingest [-- --only mock,maildev --messages 2000 --fill 10000]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuMs, freePort, memory, smtpSource, startServer, stopServer } from './lib/proc.ts';

const here = dirname(fileURLToPath(import.meta.url));
const mockDir = join(here, '..', 'apps', 'mock-mailserver');
const require = createRequire(join(here, 'package.json'));

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    messages: { type: 'string', default: '2000' },
    fill: { type: 'string', default: '10000' },
    sessions: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '2' },
  },
});
const MESSAGES = Number(values.messages);
const FILL = Number(values.fill);
const SESSIONS = Number(values.sessions);
const REPEAT = Number(values.repeat);
const RUN_TIMEOUT_MS = 180_000;

for (const tool of ['/usr/sbin/smtp-source', '/usr/sbin/smtp-sink']) {
  if (!existsSync(tool)) {
    console.error(`${tool} is missing: apt-get install postfix (the bench needs smtp-source and smtp-sink)`);
    process.exit(1);
  }
}

interface ListCall {
  label: string;
  path: string;
}

interface Target {
  key: string;
  name: string;
  command: (smtp: number, http: number) => [string, string[]];
  lists: ListCall[];
}

const asRoot = process.getuid?.() === 0;
const TARGETS: Target[] = [
  {
    key: 'mock',
    name: 'mock-mailserver',
    command: (smtp, http) => [
      process.execPath,
      [
        join(mockDir, 'bin', 'mock-mailserver.mjs'),
        ...['--smtp', String(smtp), '--http', String(http), '--smtps', 'off', '--pop3', 'off'],
        ...['--max-messages', String(Math.max(FILL, 4 * MESSAGES)), '--quiet'],
      ],
    ],
    lists: [
      { label: 'GET /api/messages (page of 50)', path: '/api/messages?limit=50' },
      {
        label: 'GET /api/messages?to=… (filtered, page of 50)',
        path: '/api/messages?to=rcpt@bench.test&limit=50',
      },
    ],
  },
  {
    key: 'maildev',
    name: 'MailDev 3.0.0',
    command: (smtp, http) => [
      process.execPath,
      [
        join(dirname(fileURLToPath(import.meta.resolve('maildev'))), 'bin', 'maildev.js'),
        ...[
          '--smtp',
          String(smtp),
          '--ip',
          '127.0.0.1',
          '--web',
          String(http),
          '--web-ip',
          '127.0.0.1',
          '--silent',
        ],
      ],
    ],
    lists: [
      { label: 'GET /api/email (everything)', path: '/api/email' },
      { label: 'GET /api/email/summary (page of 50)', path: '/api/email/summary?limit=50' },
    ],
  },
  {
    key: 'sink',
    name: 'smtp-server + mailparser sink (stock)',
    command: (smtp) => [process.execPath, [join(here, 'lib', 'bare-sink.mjs'), String(smtp)]],
    lists: [],
  },
  {
    key: 'sink-nopause',
    name: 'smtp-server + mailparser sink, no greeting pause',
    command: (smtp) => [
      process.execPath,
      [join(here, 'lib', 'bare-sink.mjs'), String(smtp), '--no-greeting-pause'],
    ],
    lists: [],
  },
  {
    key: 'smtp-sink',
    name: 'postfix smtp-sink',
    command: (smtp) => [
      '/usr/sbin/smtp-sink',
      [...(asRoot ? ['-u', 'nobody'] : []), `127.0.0.1:${smtp}`, '256'],
    ],
    lists: [],
  },
];

const RUNS = [
  { label: '5 KB, new connection each', size: 5120, reuse: false },
  { label: '5 KB, reused connections', size: 5120, reuse: true },
  { label: '100 KB, new connection each', size: 102400, reuse: false },
  { label: '100 KB, reused connections', size: 102400, reuse: true },
] as const;

interface Result {
  key: string;
  name: string;
  /** Per run: the best of the repetitions, or why it failed. */
  rates: Array<number | string>;
  /** Per run: the least server CPU time per 1000 messages over the repetitions. */
  cpuPer1000: Array<number | undefined>;
  samples: Array<Array<{ rate: number; cpuMs: number }>>;
  peakMiB: number;
  fillSeconds?: number;
  rssAfterFillMiB: number;
  peakAfterListsMiB: number;
  lists: Array<{ label: string; ms: number | null; bytes: number; status: number; held: number | null }>;
}

function build(): void {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [mockDir] });
  const out = spawnSync(process.execPath, [tsc, '-p', join(mockDir, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (out.status !== 0) throw new Error('building the mock mail server failed');
}

/** How many messages the server says it holds: `total` of a page, or the length of a full list. */
function held(body: Buffer): number | null {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (Array.isArray(parsed)) return parsed.length;
    const total = (parsed as { total?: unknown }).total;
    return typeof total === 'number' ? total : null;
  } catch {
    return null;
  }
}

async function timeList(http: number, path: string) {
  const call = async () => {
    const start = performance.now();
    const res = await fetch(`http://127.0.0.1:${http}${path}`);
    const body = Buffer.from(await res.arrayBuffer());
    return { ms: performance.now() - start, bytes: body.length, status: res.status, held: held(body) };
  };
  await call(); // warm-up
  const samples = [];
  for (let i = 0; i < 5; i++) samples.push(await call());
  samples.sort((a, b) => a.ms - b.ms);
  const median = samples[2]!;
  return {
    ms: median.status < 400 ? median.ms : null,
    bytes: median.bytes,
    status: median.status,
    held: median.held,
  };
}

/** One repetition: a fresh process takes a warm-up and the four runs in a row. */
async function throughput(target: Target, result: Result): Promise<void> {
  const smtp = await freePort();
  const http = await freePort();
  const [command, args] = target.command(smtp, http);
  const child = await startServer(command, args, smtp);
  // A short warm-up so the first measured run does not pay for JIT compilation alone.
  await smtpSource(smtp, {
    sessions: SESSIONS,
    messages: 200,
    size: 5120,
    reuse: true,
    timeoutMs: RUN_TIMEOUT_MS,
  });
  for (const [i, run] of RUNS.entries()) {
    const cpuBefore = cpuMs(child.pid!);
    try {
      const seconds = await smtpSource(smtp, {
        sessions: SESSIONS,
        messages: MESSAGES,
        size: run.size,
        reuse: run.reuse,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      const sample = { rate: MESSAGES / seconds, cpuMs: ((cpuMs(child.pid!) - cpuBefore) * 1000) / MESSAGES };
      result.samples[i]!.push(sample);
      console.log(
        `  ${target.name}: ${run.label}: ${sample.rate.toFixed(0)} msgs/s, ${sample.cpuMs.toFixed(0)} ms CPU per 1000`,
      );
    } catch (error) {
      result.rates[i] = `failed: ${(error as Error).message.split('\n')[0]}`;
      console.log(`  ${target.name}: ${run.label}: ${(error as Error).message}`);
    }
  }
  result.peakMiB = Math.max(result.peakMiB, memory(child.pid!).peakMiB);
  await stopServer(child);
}

function newResult(target: Target): Result {
  return {
    key: target.key,
    name: target.name,
    rates: RUNS.map(() => 0),
    cpuPer1000: RUNS.map(() => undefined),
    samples: RUNS.map(() => []),
    peakMiB: 0,
    rssAfterFillMiB: 0,
    peakAfterListsMiB: 0,
    lists: [],
  };
}

/** Best rate and least CPU per run over the repetitions (other load on the machine only slows a run down). */
function summarise(result: Result): void {
  result.samples.forEach((samples, i) => {
    if (typeof result.rates[i] === 'string' || samples.length === 0) return;
    result.rates[i] = Math.max(...samples.map((s) => s.rate));
    result.cpuPer1000[i] = Math.min(...samples.map((s) => s.cpuMs));
  });
}

/** A fresh process receives FILL messages of 5 KB over reused connections; then memory and list calls. */
async function fillAndList(target: Target, result: Result): Promise<void> {
  const smtp = await freePort();
  const http = await freePort();
  const [command, args] = target.command(smtp, http);
  const child = await startServer(command, args, smtp);
  try {
    result.fillSeconds = await smtpSource(smtp, {
      sessions: SESSIONS,
      messages: FILL,
      size: 5120,
      reuse: true,
      timeoutMs: RUN_TIMEOUT_MS,
    });
  } catch (error) {
    console.log(`  ${target.name}: fill failed: ${(error as Error).message}`);
  }
  await new Promise((r) => setTimeout(r, 2000));
  result.rssAfterFillMiB = memory(child.pid!).rssMiB;
  for (const list of target.lists)
    result.lists.push({ label: list.label, ...(await timeList(http, list.path)) });
  result.peakAfterListsMiB = memory(child.pid!).peakMiB;
  await stopServer(child);
}

const fmt = (value: number | string | undefined) =>
  typeof value === 'number' ? value.toFixed(0) : value === undefined ? '–' : 'failed';

async function main() {
  const only = values.only?.split(',');
  const targets = TARGETS.filter((t) => !only || only.includes(t.key));
  console.log('Building the mock mail server…');
  build();
  let machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ${os.release()}`;
  console.log(
    `${machine}\nsmtp-source: ${SESSIONS} sessions, ${MESSAGES} messages per run, best of ${REPEAT}; fill: ${FILL} × 5 KB\n`,
  );

  const started = Date.now();
  const loadAtStart = os.loadavg();
  const results = targets.map(newResult);
  // Repetitions go round all servers, so a burst of other load on the machine does not hit one server only.
  for (let rep = 1; rep <= REPEAT; rep++) {
    for (const [i, target] of targets.entries()) {
      console.log(`${target.name} (repetition ${rep} of ${REPEAT})`);
      await throughput(target, results[i]!);
    }
  }
  for (const [i, target] of targets.entries()) {
    console.log(`${target.name}: ${FILL} messages, then list calls`);
    await fillAndList(target, results[i]!);
    summarise(results[i]!);
  }

  const lines = [
    `| server | ${RUNS.map((r) => `${r.label} (msgs/s)`).join(' | ')} |`,
    `| --- | ${RUNS.map(() => '---:').join(' | ')} |`,
    ...results.map((r) => `| ${r.name} | ${r.rates.map(fmt).join(' | ')} |`),
  ];
  const cpuLines = [
    `| server | ${RUNS.map((r) => `${r.label} (CPU ms per 1000 msgs)`).join(' | ')} |`,
    `| --- | ${RUNS.map(() => '---:').join(' | ')} |`,
    ...results.map((r) => `| ${r.name} | ${r.cpuPer1000.map(fmt).join(' | ')} |`),
  ];
  const memoryLines = [
    `| server | peak RSS over the runs (MiB) | RSS after ${FILL} messages (MiB) | peak RSS at ${FILL}, list calls included (MiB) |`,
    '| --- | ---: | ---: | ---: |',
    ...results.map(
      (r) => `| ${r.name} | ${fmt(r.peakMiB)} | ${fmt(r.rssAfterFillMiB)} | ${fmt(r.peakAfterListsMiB)} |`,
    ),
  ];
  const listLines = [
    `| server | list call after ${FILL} messages | messages held | median time (ms) | response size |`,
    '| --- | --- | ---: | ---: | ---: |',
    ...results.flatMap((r) =>
      r.lists.map(
        (l) =>
          `| ${r.name} | ${l.label} | ${l.held ?? '–'} | ${l.ms === null ? `HTTP ${l.status}` : l.ms.toFixed(1)} | ${(l.bytes / 1024).toFixed(0)} KiB |`,
      ),
    ),
  ];
  const load = (values: number[]) => values.map((v) => v.toFixed(1)).join(' ');
  machine += `; load average ${load(loadAtStart)} at start, ${load(os.loadavg())} at end`;
  const report = `${machine}\n\n${lines.join('\n')}\n\n${cpuLines.join('\n')}\n\n${memoryLines.join('\n')}\n\n${listLines.join('\n')}\n`;
  console.log(`\n${report}\nTotal time: ${((Date.now() - started) / 1000).toFixed(0)} s`);

  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `mock-ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { machine, sessions: SESSIONS, messages: MESSAGES, repeat: REPEAT, fill: FILL, results },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'mock-ingest-latest.md'), report);
  console.log(`Results: ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
