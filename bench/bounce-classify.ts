// Classification throughput over the bounce corpus (packages/core/src/bounces/corpus): every
// sample classified N times per round, side by side with mailparser's simpleParser alone on the
// same samples (the parse every classification starts with), so the table says what the rules add.
// See docs/PERFORMANCE.md for the figures.
//
//   npx -y pnpm@10.34.9 --filter @mailroom/bench run bounce-classify [-- --passes 40 --rounds 5]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { classifyMessage } from '@mailroom/core';
import { simpleParser } from 'mailparser';
import { machineBusy } from './lib/cpu.ts';

const here = dirname(fileURLToPath(import.meta.url));
const corpusDir = join(here, '..', 'packages', 'core', 'src', 'bounces', 'corpus');
const { values } = parseArgs({
  // pnpm passes the `--` through, and parseArgs reads everything after `--` as positionals
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    passes: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '5' },
  },
});
const PASSES = Math.max(1, Number(values.passes));
const ROUNDS = Math.max(1, Number(values.rounds));

const samples = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.eml'))
  .sort()
  .map((f) => readFileSync(join(corpusDir, f)));
const bytes = samples.reduce((n, s) => n + s.length, 0);

type Run = { name: string; one: (raw: Buffer) => Promise<unknown> };
const RUNS: Run[] = [
  // The same options classifyMessage gives mailparser, so the difference is the classifier's own work.
  {
    name: 'mailparser simpleParser alone',
    one: (raw) =>
      simpleParser(raw, {
        keepDeliveryStatus: true,
        ignoreEmbedded: true,
        skipImageLinks: true,
        skipTextToHtml: true,
        skipTextLinks: true,
        checksumAlgo: false,
      }),
  },
  { name: 'classifyMessage', one: (raw) => classifyMessage(raw) },
];

/** Messages per wall-clock second, and per second of this process's CPU (steadier on a shared machine). */
async function pass(run: Run): Promise<{ wall: number; cpu: number }> {
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let p = 0; p < PASSES; p++) for (const raw of samples) await run.one(raw);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu0);
  const n = PASSES * samples.length;
  return { wall: n / wall, cpu: n / ((used.user + used.system) / 1e6) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

// Warm-up: JIT and mailparser's lazy requires.
for (const run of RUNS) for (const raw of samples) await run.one(raw);

const busy = machineBusy();
const rates = new Map<string, Array<{ wall: number; cpu: number }>>(RUNS.map((r) => [r.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order so a noisy moment touches both sides.
  for (const run of round % 2 === 0 ? RUNS : [...RUNS].reverse()) rates.get(run.name)!.push(await pass(run));
}

console.log(
  `bounce corpus: ${samples.length} samples, ${(bytes / 1024).toFixed(1)} KiB, ${PASSES} passes × ${ROUNDS} rounds, ` +
    `Node ${process.version}, machine ${busy()} during the runs`,
);
console.log('| run | messages/s (median) | range | messages per CPU second (median) | range |');
console.log('| --- | ---: | ---: | ---: | ---: |');
const range = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
for (const [name, runs] of rates) {
  const wall = runs.map((x) => x.wall);
  const cpu = runs.map((x) => x.cpu);
  console.log(
    `| ${name} | ${Math.round(median(wall))} | ${range(wall)} | ${Math.round(median(cpu))} | ${range(cpu)} |`,
  );
}
const cpuOf = (name: string) => median(rates.get(name)!.map((x) => x.cpu));
console.log(
  `\nclassifyMessage uses ${Math.round((100 * cpuOf(RUNS[0]!.name)) / cpuOf(RUNS[1]!.name))} % of the CPU time of the parse alone ` +
    '(100 % = the rules add nothing).',
);
