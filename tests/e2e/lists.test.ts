// Long lists in the browser: the Outbox and the Main Log page by cursor (Newest, Newer, Older) through the
// shared list page, the cursor kept in the URL, each message seen once.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let page: Page;
const COUNT = 120;

describe('long lists', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    const api = await apiSession(product.url);
    const created = await api('POST', '/accounts', {
      name: 'Newsletter',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: product.smtpPort,
        security: 'none',
        from: { address: 'news@example.org', name: 'News' },
        sendMode: 'queued',
      },
    });
    expect(created.status).toBe(201);
    const bulk = await api('POST', '/messages/bulk', {
      accountId: created.body.id,
      subject: 'Issue {{n}}',
      text: 'Hello {{n}}',
      recipients: Array.from({ length: COUNT }, (_, i) => ({
        to: `reader${i}@example.org`,
        variables: { n: String(i).padStart(3, '0') },
      })),
    });
    expect(bulk.status).toBe(202);

    browser = await launch();
    page = await adminPage(browser, product.url);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const pager = () => page.getByRole('navigation', { name: 'Message pages' });
  const subjects = async () =>
    (
      await page.getByRole('region', { name: 'Messages' }).locator('tbody tr a.rowlink').allTextContents()
    ).map((s) => s.trim());

  it('pages the outbox by cursor, each message once, and back to the newest', async () => {
    await page.getByRole('link', { name: 'Outbox' }).click();
    await page.waitForURL(/\/outbox$/);
    await expect.poll(() => pager().textContent()).toContain(`50 shown of ${COUNT}`);
    expect(await pager().getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);
    const seen: string[] = [...(await subjects())];
    await screenshot(page, '60-outbox-cursor-first');

    for (const shown of [50, 20]) {
      const before = (await subjects())[0];
      await pager().getByRole('button', { name: 'Older' }).click();
      await page.waitForURL(/cursor=/);
      await expect.poll(async () => (await subjects())[0]).not.toBe(before);
      await expect.poll(() => pager().textContent()).toContain(`${shown} shown of ${COUNT}`);
      seen.push(...(await subjects()));
    }
    expect(await pager().getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    expect(seen).toHaveLength(COUNT);
    expect(new Set(seen).size).toBe(COUNT);
    await screenshot(page, '61-outbox-cursor-last');
    expect(await seriousViolations(page)).toEqual([]);

    await pager().getByRole('button', { name: 'Newer' }).click();
    await expect.poll(() => pager().textContent()).toContain(`50 shown of ${COUNT}`);
    expect((await subjects())[0]).toBe(seen[50]);
    await pager().getByRole('button', { name: 'Newest' }).click();
    await expect.poll(async () => (await subjects())[0]).toBe(seen[0]);
    expect(page.url()).not.toContain('cursor=');
  });

  it('keeps the Main Log pager on the same component', async () => {
    await page.getByRole('link', { name: 'Logs' }).click();
    await page.waitForURL(/\/logs/);
    const logPager = page.getByRole('navigation', { name: 'Log pages' });
    await expect.poll(() => logPager.textContent()).toMatch(/\d+ shown of \d+/);
    await screenshot(page, '62-logs-cursor');
  });
});
