// Verification by code survives what an admin does to read the mail: closing the dialog, reloading the
// page, pressing "send" again too early. The code is read from the quick start's mock mail server.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { ADMIN, adminPage, buildWeb, type Product, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let page: Page;
let accountUrl = '';
const problems: string[] = [];

/** The code the mock mail server received for `to` (waits for the mail). */
async function codeFor(to: string): Promise<string> {
  const res = await fetch(`${product.mockUrl}/api/codes/latest?to=${encodeURIComponent(to)}&timeoutMs=10000`);
  const { code } = (await res.json()) as { code: string };
  expect(code).toMatch(/^\d{6}$/);
  return code;
}

const card = () => page.locator('section', { has: page.getByRole('heading', { name: 'Verification' }) });

describe('verification by code', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    const api = await apiSession(product.url);
    const created = await api('POST', '/accounts', {
      name: 'Billing outbound',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: product.smtpPort,
        security: 'none',
        from: { address: 'billing@example.com', name: 'Billing' },
      },
    });
    expect(created.status).toBe(201);
    accountUrl = `${product.url}/accounts/${String(created.body.id)}`;

    browser = await launch();
    page = await adminPage(browser, product.url, (p) => {
      p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    });
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail')
      await screenshot(page, `failed-verification-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(
        () => {},
      );
    expect(problems.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it("sends the code to the signed-in admin's address by default", async () => {
    await page.goto(accountUrl);
    await card().getByRole('button', { name: 'Send verification code' }).click();
    const dialog = page.getByRole('dialog', { name: 'Verify by confirmation code' });
    expect(await dialog.getByLabel('Send the code to').inputValue()).toBe(ADMIN.email);
    await dialog.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('dialog', { name: 'Enter the confirmation code' }).waitFor();
    expect(await page.getByTestId('pending-code').textContent()).toContain(`Sent to ${ADMIN.email}`);
  });

  it('leads a too-early resend to the code entry, not a dead end', async () => {
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Send a new code' }).click();
    await dialog.getByRole('button', { name: 'Send code' }).click();
    // The 429 (a code was sent seconds ago) brings back the entry, saying the last code still works.
    await page.getByRole('dialog', { name: 'Enter the confirmation code' }).waitFor();
    await expect.poll(() => dialog.getByRole('status').textContent()).toContain('still works');
    expect(await dialog.getByLabel('Code', { exact: true }).isVisible()).toBe(true);
    await screenshot(page, '32-verification-too-early');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('offers "Enter code" after a reload, with to whom and when it was sent and when it expires', async () => {
    await page.reload();
    const pending = card().getByTestId('verification-pending');
    await pending.waitFor();
    const text = (await pending.textContent()) ?? '';
    expect(text).toContain(`Sent to ${ADMIN.email} on`);
    expect(text).toMatch(/expires at .+\(5 attempts left\)/);
    await page.waitForLoadState('networkidle');
    await screenshot(page, '30-verification-pending');
    expect(await seriousViolations(page)).toEqual([]);

    await card().getByRole('button', { name: 'Enter code' }).click();
    const dialog = page.getByRole('dialog', { name: 'Enter the confirmation code' });
    await dialog.getByLabel('Code', { exact: true }).waitFor();
    expect(await dialog.getByTestId('pending-code').textContent()).toContain(`Sent to ${ADMIN.email}`);
    await screenshot(page, '31-verification-enter-code');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('verifies the account with the code read from the mock mail server', async () => {
    const dialog = page.getByRole('dialog', { name: 'Enter the confirmation code' });
    await dialog.getByLabel('Code', { exact: true }).fill(await codeFor(ADMIN.email));
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await card().getByText('Verified', { exact: true }).waitFor();
    await expect.poll(() => card().getByRole('button', { name: 'Enter code' }).count()).toBe(0);
    await page.reload();
    await card().getByText('Verified', { exact: true }).waitFor();
    expect(await card().getByTestId('verification-pending').count()).toBe(0);
  });
});
