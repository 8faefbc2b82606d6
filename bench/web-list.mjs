// Renders the accounts list with N accounts (default 1,000) in headless Chromium against the
// fixture API and reports time to render, long tasks (> 50 ms) and frame times while scrolling.
// Usage: node web-list.mjs [N]     (needs apps/web/dist: run web-bundle.mjs --build first)
import { createRequire } from 'node:module';
import { startFixtureServer } from './web-fixtures.mjs';

const require = createRequire(new URL('../tests/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const n = Number(process.argv[2] ?? 1000);

const server = await startFixtureServer({ accounts: n });
const browser = await chromium.launch({
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
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // Record long tasks from the very start of the document.
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const t0 = Date.now();
  await page.goto(`${server.url}/accounts?pageSize=${n}`);
  await page.waitForFunction(
    (count) => document.querySelectorAll('table.data tbody tr').length === count,
    n,
    { timeout: 30_000 },
  );
  const renderMs = Date.now() - t0;
  const frames = await page.evaluate(async () => {
    const gaps = [];
    let last = performance.now();
    const end = last + 2000;
    await new Promise((done) => {
      const step = (t) => {
        gaps.push(t - last);
        last = t;
        window.scrollBy(0, 400);
        if (t < end) requestAnimationFrame(step);
        else done();
      };
      requestAnimationFrame(step);
    });
    gaps.sort((a, b) => a - b);
    return { count: gaps.length, p95: gaps[Math.floor(gaps.length * 0.95)], max: gaps[gaps.length - 1] };
  });
  const long = await page.evaluate(() => window.__long);
  const fmt = (x) => `${Math.round(x)} ms`;
  console.log(`accounts rendered: ${n}`);
  console.log(`navigation → all rows in the DOM: ${fmt(renderMs)}`);
  console.log(
    `long tasks: ${long.length}, longest ${fmt(Math.max(0, ...long))}, total blocking ${fmt(long.reduce((s, d) => s + Math.max(0, d - 50), 0))}`,
  );
  console.log(
    `scrolling 2 s: ${frames.count} frames, p95 frame ${fmt(frames.p95)}, worst ${fmt(frames.max)}`,
  );
} finally {
  await browser.close();
  await server.close();
}
