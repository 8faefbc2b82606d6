// The list screen's budgets, checked on every run: its initial JavaScript stays under 80 KB gzip,
// and a page of 1,000 accounts keeps the DOM small (windowed) while every account stays reachable.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from './support/browser';
import { buildWeb } from './support/product';

const bench = (file: string) => fileURLToPath(new URL(`../../bench/${file}`, import.meta.url));

describe('accounts list budgets', () => {
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    buildWeb();
    // The bench's fixture API: generated accounts, no database, same built UI.
    const { startFixtureServer } = (await import(bench('web-fixtures.mjs'))) as {
      startFixtureServer(o: { accounts: number }): Promise<{ url: string; close(): Promise<void> }>;
    };
    server = await startFixtureServer({ accounts: 1000 });
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads under 80 KB gzip of JavaScript for the list screen', () => {
    const r = spawnSync(process.execPath, [bench('web-bundle.mjs'), '--limit', '80'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/initial JS for the accounts list: [\d.]+ KB gzip/);
  });

  it('renders 1,000 accounts as a window of rows, and reaches the last one by scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.url}/accounts?pageSize=1000`);
    const rows = page.locator('table.data tbody tr[aria-rowindex]');
    await rows.first().waitFor();
    expect(await rows.count()).toBeLessThan(100);
    expect(await page.locator('table.data').getAttribute('aria-rowcount')).toBe('1001');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.getByRole('link', { name: 'Account 1000', exact: true }).waitFor({ timeout: 10_000 });
    expect(await rows.count()).toBeLessThan(100);
    await page.close();
  });
});
