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
  // The first rows are on screen (a long list is windowed: only rows near the viewport exist).
  await page.waitForFunction(
    () => document.querySelectorAll('table.data tbody tr[aria-rowindex]').length > 0,
    null,
    {
      timeout: 30_000,
    },
  );
  const renderMs = Date.now() - t0;
  const dom = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('table.data tbody tr[aria-rowindex]')];
    return {
      rows: rows.length,
      heights: [...new Set(rows.map((r) => Math.round(r.getBoundingClientRect().height)))],
    };
  });
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
  // Every account is reachable: the last one is rendered once scrolled to the bottom.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const last = `Account ${String(n).padStart(4, '0')}`;
  await page.waitForFunction(
    (name) => document.querySelector('table.data tbody')?.textContent?.includes(name),
    last,
    {
      timeout: 10_000,
    },
  );
  const long = await page.evaluate(() => window.__long);
  const fmt = (x) => `${Math.round(x)} ms`;
  console.log(`accounts rendered: ${n}`);
  console.log(
    `navigation → first rows on screen: ${fmt(renderMs)} (${dom.rows} rows in the DOM, heights ${dom.heights.join('/')} px)`,
  );
  console.log(`last account reachable by scrolling: ${last}`);
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
