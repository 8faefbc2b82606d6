// Incoming mail in the browser: a message sent through Mailroom to the mock server is fetched back
// over POP3 by "Fetch now" on the Inbox screen, and read in its drawer.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, deskAccount, type Product, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let page: Page;
let accountId = '';

describe('inbox', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    const api = await apiSession(product.url);
    const mailbox = 'support@example.org';
    const created = await api(
      'POST',
      '/accounts',
      deskAccount(product, { name: 'Support desk', mailbox, fromName: 'Support' }),
    );
    expect(created.status).toBe(201);
    accountId = String(created.body.id);
    const sent = await api('POST', '/messages', {
      accountId,
      to: [mailbox],
      subject: 'Printer on floor 3 is jammed',
      text: 'Hello support,\nthe printer is jammed again.\nThanks, Ann',
      html: '<p>Hello support,</p><p>the printer is <b>jammed</b> again.</p><script>alert(1)</script>',
    });
    expect(sent.body.status).toBe('sent');

    browser = await launch();
    page = await adminPage(browser, product.url);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('fetches new mail on demand and lists it', async () => {
    await page.getByRole('link', { name: 'Inbox' }).click();
    await page.waitForURL(/\/inbox$/);
    await page.getByText('Nothing fetched yet').waitFor();
    await page.getByLabel('Account').selectOption({ label: 'Support desk' });
    await page.getByRole('button', { name: 'Fetch now' }).click();
    await page.getByRole('link', { name: 'Printer on floor 3 is jammed' }).waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, '20-inbox');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('opens a message with its text, a script-free HTML view and headers', async () => {
    await page.getByRole('link', { name: 'Printer on floor 3 is jammed' }).click();
    const drawer = page.getByRole('dialog');
    await expect
      .poll(() => drawer.locator('.mail-text').textContent())
      .toContain('the printer is jammed again');
    await drawer.getByRole('button', { name: 'HTML' }).click();
    const frame = drawer.locator('iframe.mail-html');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await drawer.getByRole('button', { name: 'Headers' }).click();
    await expect.poll(() => drawer.textContent()).toContain('message-id');
    await screenshot(page, '21-inbox-message');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
