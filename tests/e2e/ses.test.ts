// Amazon SES end to end on the quick start: an admin creates an SES account through the form, pointed at
// the embedded mock's SES emulation (which checks the SigV4 signature against the key pair the quick
// start prints), tests it before saving, saves it and sends through it from the outbox.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let page: Page;
const ACCOUNT = 'SES newsletter';

describe('Amazon SES', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    browser = await launch();
    page = await adminPage(browser, product.url);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('creates an SES account through the form with the key pair the quick start prints, tested first', async () => {
    // The quick start says where its SES emulation is and which key it checks signatures against.
    const printed = product
      .output()
      .match(/Mock SES: endpoint (\S+) \(any region\), access key (\S+) \/ (\S+)/);
    expect(printed).not.toBeNull();
    const [, endpoint, accessKeyId, secretAccessKey] = printed as RegExpMatchArray;
    await page.goto(`${product.url}/accounts/new`);
    await page.getByLabel('Name', { exact: true }).fill(ACCOUNT);
    await page.getByRole('group', { name: 'Transport' }).getByLabel('Amazon SES').check();
    await page.getByLabel('AWS region').fill('eu-west-1');
    await page.getByLabel('Access key ID').fill(accessKeyId!);
    await page.getByLabel('Secret access key').fill('not-the-key');
    await page.getByLabel('API endpoint').fill(endpoint!);
    await page.getByLabel('From address').fill('news@example.com');
    // A wrong secret is refused at "authenticate", as AWS would refuse it.
    const result = page.getByTestId('test-result');
    await page.getByRole('button', { name: 'Test outgoing' }).press('Enter');
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toContain('Failed: Auth');
    await page.getByLabel('Secret access key').fill(secretAccessKey!);
    await page.getByRole('button', { name: 'Test outgoing' }).press('Enter');
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toContain('Connection works');
    const steps = page.getByRole('list', { name: 'Test steps' });
    for (const step of ['Resolve', 'Authenticate']) expect(await steps.textContent()).toContain(step);
    await screenshot(page, '30-ses-form-tested');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save & close' }).press('Enter');
    await page.waitForURL(/\/accounts\/(?!new$)[^/]+$/);
    await page.getByRole('heading', { level: 1, name: ACCOUNT, exact: true }).waitFor();
    // The details show the transport's own summary, and the key as stored, never its value.
    const details = await page.locator('main').textContent();
    expect(details).toContain('Amazon SES');
    expect(details).toContain('eu-west-1');
    expect(details).toContain(`${accessKeyId} · secret stored`);
    expect(details).not.toContain(secretAccessKey);
    await screenshot(page, '31-ses-account');
  });

  it('sends through SES from the outbox; the mock received it signed by that key', async () => {
    await page.goto(`${product.url}/outbox`);
    await page.getByRole('button', { name: 'New message' }).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New message' });
    await dialog.getByLabel('Send through').selectOption({ label: `${ACCOUNT} — news@example.com` });
    await dialog.getByLabel('To', { exact: true }).fill('reader@example.org');
    await dialog.getByLabel('Subject').fill('Spring news via SES');
    await dialog.getByLabel('Message').fill('Sent through Amazon SES (the mock).');
    await dialog.getByRole('combobox', { name: /^Mode/ }).selectOption('immediate');
    await dialog.getByRole('button', { name: 'Send' }).press('Enter');
    const drawer = page.getByRole('dialog', { name: 'Spring news via SES' });
    await expect.poll(() => drawer.textContent(), { timeout: 20_000 }).toContain(ACCOUNT);
    await expect
      .poll(
        () =>
          drawer
            .getByRole('list', { name: 'Delivery attempts' })
            .textContent()
            .catch(() => ''),
        {
          timeout: 20_000,
        },
      )
      .toContain('200');
    const res = await fetch(`${product.mockUrl}/api/messages?to=reader@example.org`);
    const { items } = (await res.json()) as {
      items: Array<{ subject: string; transport: string; authUser: string | null }>;
    };
    expect(items[0]).toMatchObject({ subject: 'Spring news via SES', transport: 'ses' });
    expect(items[0]?.authUser).toMatch(/^AKIA/);
    await screenshot(page, '32-ses-sent');
  });
});
