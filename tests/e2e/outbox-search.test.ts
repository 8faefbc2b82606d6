// The Outbox's search box in the browser: a whole address finds the messages to or from it (any case),
// anything shorter is found anywhere in subject, From and recipients.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let page: Page;

describe('outbox search', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    const api = await apiSession(product.url);
    const created = await api('POST', '/accounts', {
      name: 'Shop',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: product.smtpPort,
        security: 'none',
        from: { address: 'shop@example.org', name: 'Shop' },
        sendMode: 'queued',
      },
    });
    expect(created.status).toBe(201);
    for (const [to, subject] of [
      ['Rosa.Jones@Example.com', 'Your order 1'],
      ['rosa.jonesberg@example.com', 'Your order 2'],
      ['amy@example.com', 'Note about rosa.jones@example.com'],
    ] as const) {
      const sent = await api('POST', '/messages', {
        accountId: created.body.id,
        to: [to],
        subject,
        text: 'Hi',
      });
      expect(sent.status).toBe(202);
    }

    browser = await launch();
    page = await adminPage(browser, product.url);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const subjects = async () =>
    (
      await page.getByRole('region', { name: 'Messages' }).locator('tbody tr a.rowlink').allTextContents()
    ).map((s) => s.trim());

  it('finds a whole address exactly and part of one anywhere', async () => {
    await page.getByRole('link', { name: 'Outbox' }).click();
    await page.waitForURL(/\/outbox$/);
    await expect.poll(subjects).toHaveLength(3);
    const box = page.getByLabel('Search subject or recipient');

    await box.fill('rosa.jones@example.com');
    await box.press('Enter'); // the box searches on change (Enter or leaving it), not on every key
    await expect.poll(() => decodeURIComponent(page.url())).toContain('q=rosa.jones@example.com');
    await expect.poll(subjects).toEqual(['Your order 1']);
    await screenshot(page, '63-outbox-search-address');
    expect(await seriousViolations(page)).toEqual([]);

    await box.fill('rosa.jones');
    await box.press('Enter');
    await expect
      .poll(async () => (await subjects()).sort())
      .toEqual(['Note about rosa.jones@example.com', 'Your order 1', 'Your order 2']);
  });
});
