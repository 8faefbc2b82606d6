// What a list screen says when a search or a filter leaves it empty, and what "Apply" does with a
// half-filled condition: the words must match the system (mail exists, it just does not match).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, deskAccount, type Product, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let page: Page;

const emptyRow = (region: string) =>
  page.getByRole('region', { name: region }).locator('tbody td.empty').textContent();

describe('list feedback', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    const api = await apiSession(product.url);
    const mailbox = 'desk@example.org';
    const created = await api(
      'POST',
      '/accounts',
      deskAccount(product, { name: 'Desk', mailbox, fromName: 'Desk' }),
    );
    expect(created.status).toBe(201);
    const accountId = String(created.body.id);
    const sent = await api('POST', '/messages', {
      accountId,
      to: [mailbox],
      subject: 'Hello desk',
      text: 'Hi',
    });
    expect(sent.body.status).toBe('sent');
    const fetched = await api('POST', `/accounts/${accountId}/fetch`);
    expect(fetched.body.fetched).toBe(1);

    browser = await launch();
    page = await adminPage(browser, product.url);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('says no message matches a search, not that the outbox is empty', async () => {
    await page.goto(`${product.url}/outbox`);
    await page.getByRole('link', { name: 'Hello desk' }).waitFor();
    const box = page.getByLabel('Search subject or recipient');
    await box.fill('nobody@example.net');
    await box.press('Enter');
    await expect.poll(() => emptyRow('Messages')).toContain('No message matches');
    expect(await emptyRow('Messages')).not.toContain('yet');
    await screenshot(page, '90-outbox-search-none');
    expect(await seriousViolations(page)).toEqual([]);
    // A status tab with nothing in it says so too.
    await page.goto(`${product.url}/outbox?status=failed`);
    await expect.poll(() => emptyRow('Messages')).toContain('No message matches');
  });

  it('says no fetched message matches a search, not that nothing was fetched', async () => {
    await page.goto(`${product.url}/inbox`);
    await page.getByRole('link', { name: 'Hello desk' }).waitFor();
    const box = page.getByLabel('Search subject, sender or recipient');
    await box.fill('zzz-nothing');
    await box.press('Enter');
    await expect.poll(() => emptyRow('Fetched messages')).toContain('No fetched message matches');
    expect(await emptyRow('Fetched messages')).not.toContain('Nothing fetched yet');
  });

  it('refuses a delivery period that ends before it starts on the field, not with "No mail in this period"', async () => {
    await page.goto(`${product.url}/reports`);
    const region = page.getByRole('region', { name: 'Delivery' });
    await region.locator('tbody tr').first().waitFor();
    await page.getByLabel('From', { exact: true }).fill('2026-03-10');
    await page.locator('#r-to').fill('2026-03-01');
    await page.locator('#r-to').blur();
    await expect.poll(() => page.locator('#r-to').getAttribute('aria-invalid')).toBe('true');
    await expect
      .poll(() => region.locator('.field .error').textContent())
      .toContain('must not be before From');
    // Neither "no mail" nor the rows of the period shown before: the table asks for a real period.
    expect(await region.locator('tbody').textContent()).toContain(
      'Choose a To date on or after the From date',
    );
    expect(await region.getByRole('link', { name: 'Desk' }).count()).toBe(0);
    // No CSV of a period that does not exist.
    expect(await region.getByRole('link', { name: /Download CSV/ }).count()).toBe(0);
    await screenshot(page, '92-reports-period-backwards');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('does not apply a condition without a value: it says so on the value', async () => {
    await page.goto(`${product.url}/logs`);
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('button', { name: 'Apply conditions' }).click();
    const value = page.getByLabel('Condition 1 value');
    await expect.poll(() => value.getAttribute('aria-invalid')).toBe('true');
    await expect
      .poll(() => page.getByRole('alert').allTextContents())
      .toContainEqual(expect.stringContaining('Choose a value'));
    expect(page.url()).not.toContain('filter=');
    await screenshot(page, '91-logs-condition-without-value');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
