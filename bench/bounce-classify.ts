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

async function pass(run: Run): Promise<number> {
  const start = process.hrtime.bigint();
  for (let p = 0; p < PASSES; p++) for (const raw of samples) await run.one(raw);
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return (PASSES * samples.length) / s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

// Warm-up: JIT and mailparser's lazy requires.
for (const run of RUNS) for (const raw of samples) await run.one(raw);

const busy = machineBusy();
const rates = new Map<string, number[]>(RUNS.map((r) => [r.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order so a noisy moment touches both sides.
  for (const run of round % 2 === 0 ? RUNS : [...RUNS].reverse()) rates.get(run.name)!.push(await pass(run));
}

console.log(
  `bounce corpus: ${samples.length} samples, ${(bytes / 1024).toFixed(1)} KiB, ${PASSES} passes × ${ROUNDS} rounds, ` +
    `Node ${process.version}, machine ${busy()} during the runs`,
);
console.log('| run | messages/s (median) | range |');
console.log('| --- | ---: | ---: |');
for (const [name, xs] of rates) {
  console.log(
    `| ${name} | ${Math.round(median(xs))} | ${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))} |`,
  );
}
const parse = median(rates.get(RUNS[0]!.name)!);
const classify = median(rates.get(RUNS[1]!.name)!);
console.log(`\nclassifyMessage runs at ${Math.round((100 * classify) / parse)} % of the bare parse.`);
