// The mock mail server's web page with 10,000 messages held: headless Chromium opens it, and
// the page's own performance marks time the list from the moment its data has arrived
// (`list-data`, the answer's bytes are in) to the first paint of the rows (`list-painted`, the
// first task after the frame that drew them). Several page loads; median and p95.
// See docs/PERFORMANCE.md for the figures.
//
//   npx -y pnpm@10.34.9 --filter @mailroom/bench run mock-ui-list [-- --messages 10000 --runs 15]
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { startMockMailServer } from '../apps/mock-mailserver/src/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'apps', 'mock-mailserver', 'package.json'));
const { chromium } = require('playwright-core') as typeof import('playwright-core');
const nodemailer = require('nodemailer') as typeof import('nodemailer');

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '15' },
  },
});
const MESSAGES = Number(values.messages);
const RUNS = Number(values.runs);
const TARGET_MS = 200;
const TRACED = 5;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * The CPU time (ms) the renderer's threads spent in tasks that started between the `list-data`
 * and `list-painted` marks: parsing, rendering, style, layout, paint, compositing, raster.
 */
function rendererCpuMs(events: TraceEvent[]): number {
  const mark = (name: string) => events.find((e) => e.name === name && e.ph !== 'M');
  const from = mark('list-data');
  const to = mark('list-painted');
  if (!from || !to) throw new Error('the trace has no list-data / list-painted marks');
  const threads = new Set(
    events
      .filter(
        (e) =>
          e.ph === 'M' &&
          e.pid === from.pid &&
          e.name === 'thread_name' &&
          /^(CrRendererMain|Compositor|CompositorTileWorker)/.test(e.args?.name ?? ''),
      )
      .map((e) => e.tid),
  );
  let us = 0;
  for (const e of events) {
    if (e.ph !== 'X' || e.pid !== from.pid || !threads.has(e.tid)) continue;
    if (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask') continue;
    if (e.ts >= from.ts && e.ts <= to.ts) us += e.tdur ?? 0;
  }
  return us / 1000;
}

const mock = await startMockMailServer({
  pop3Port: false,
  smtpsPort: false,
  imapPort: false,
  imapsPort: false,
  maxMessages: MESSAGES,
});
let browser: Browser | undefined;
try {
  // Fill over SMTP, ten connections at a time; mailboxes and subjects vary like a test run's.
  const fillStart = performance.now();
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: mock.smtpPort,
    ignoreTLS: true,
    pool: true,
    maxConnections: 10,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    sends.push(
      transport.sendMail({
        from: `Sender ${i % 50} <sender${i % 50}@example.net>`,
        to: `user${i % 200}@example.org`,
        subject: `Message ${i}: your sign-in code`,
        text: `Hello user ${i % 200}, your code is ${100000 + i}. Or open https://app.test/verify/${i}`,
      }),
    );
    if (sends.length >= 200) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
  transport.close();
  const held = mock.messages().length;
  console.log(`held: ${held} messages (filled over SMTP in ${Math.round(performance.now() - fillStart)} ms)`);

  browser = await chromium.launch({
    executablePath: process.env.MAILROOM_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const paint: number[] = [];
  const elementPaint: number[] = [];
  const dom: number[] = [];
  const floors: number[] = [];
  const fetchMs: number[] = [];
  const total: number[] = [];
  let bytes = 0;
  let rowsInDom = 0;
  // One warm-up load (Chromium's first start, the server's first search text), then the runs.
  for (let run = 0; run <= RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // When the first row was actually painted (Element Timing: the frame's presentation time).
    await page.addInitScript(() => {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as Array<
          PerformanceEntry & { renderTime: number; identifier: string }
        >) {
          if (entry.identifier === 'list-row' && !('firstRowPaint' in window)) {
            Object.assign(window, { firstRowPaint: entry.renderTime });
          }
        }
      }).observe({ type: 'element', buffered: true });
    });
    await page.goto(mock.httpUrl);
    await page.waitForFunction(
      () => document.documentElement.dataset.listLoads === '1' && 'firstRowPaint' in window,
      null,
      { timeout: 60_000 },
    );
    const m = await page.evaluate(() => {
      const measure = performance.getEntriesByName('list-paint')[0]!;
      const data = performance.getEntriesByName('list-data')[0]!;
      const resource = performance
        .getEntriesByType('resource')
        .find((e) => e.name.includes('/api/ui/messages')) as PerformanceResourceTiming;
      return {
        paint: measure.duration,
        dom: performance.getEntriesByName('list-rendered')[0]!.startTime - data.startTime,
        elementPaint: (window as unknown as { firstRowPaint: number }).firstRowPaint - data.startTime,
        fetch: resource.responseEnd - resource.requestStart,
        total: data.startTime + measure.duration,
        bytes: resource.encodedBodySize,
        rows: document.querySelectorAll('#list .row').length,
        marks: Object.fromEntries(
          [...performance.getEntriesByType('mark'), ...performance.getEntriesByType('paint')].map((e) => [
            e.name,
            Math.round(e.startTime),
          ]),
        ),
      };
    });
    // The machine's floor: a one-attribute change to a painted frame, timed the same way, same page.
    const floor = await page.evaluate(async () => {
      const start = performance.now();
      document.documentElement.dataset.floor = String(start);
      await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
      return performance.now() - start;
    });
    await page.close();
    if (process.env.BENCH_DEBUG) console.log(m.marks);
    if (run === 0) continue;
    floors.push(floor);
    paint.push(m.paint);
    elementPaint.push(m.elementPaint);
    dom.push(m.dom);
    fetchMs.push(m.fetch);
    total.push(m.total);
    bytes = m.bytes;
    rowsInDom = m.rows;
  }

  // CPU time, which a loaded machine does not inflate: a Chrome trace of more page loads, adding
  // up the thread time (tdur) of the renderer's tasks from the data's arrival to the painted frame.
  const cpu: number[] = [];
  for (let run = 0; run < TRACED; run++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await browser.startTracing(page, {
      categories: ['toplevel', 'blink.user_timing', 'devtools.timeline', '__metadata'],
    });
    await page.goto(mock.httpUrl);
    await page.waitForFunction(() => document.documentElement.dataset.listLoads === '1', null, {
      timeout: 60_000,
    });
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    await page.close();
    cpu.push(rendererCpuMs(trace.traceEvents));
  }

  const stat = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`;
  };
  console.log(
    `runs: ${RUNS} page loads (after one warm-up), first list answer ${(bytes / 1024).toFixed(1)} kB`,
  );
  console.log(
    `data arrived → first row painted (Element Timing):       ${stat(elementPaint)}  [target < ${TARGET_MS} ms]`,
  );
  console.log(`data arrived → first task after the painted frame:      ${stat(paint)}`);
  console.log(`data arrived → rows in the DOM (parse + render, main thread): ${stat(dom)}`);
  console.log(`  rows in the DOM: ${rowsInDom} of ${held} (windowed)`);
  console.log(`renderer CPU time, data arrived → painted frame (${TRACED} traced loads): ${stat(cpu)}`);
  console.log(`floor: an attribute change → first task after its frame:  ${stat(floors)}`);
  console.log(`list request → answer's last byte:                      ${stat(fetchMs)}`);
  console.log(`navigation start → first task after the painted frame:  ${stat(total)}`);
  const load = os.loadavg()[0]!.toFixed(1);
  console.log(`machine: ${os.cpus().length} cores, load average ${load} at the end of the run`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `target (first paint < ${TARGET_MS} ms after the data): wall clock ${median(elementPaint) < TARGET_MS ? 'met' : 'missed'} on this run, renderer CPU time ${median(cpu) < TARGET_MS ? 'met' : 'missed'}`,
  );
} finally {
  await browser?.close();
  await mock.close();
}

// The page's globals, for the functions run in it (the bench compiles without DOM types).
declare const document: {
  documentElement: { dataset: Record<string, string | undefined> };
  querySelectorAll(selector: string): { length: number };
};
