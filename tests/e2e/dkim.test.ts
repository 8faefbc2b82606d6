// DKIM and deliverability end to end on the quick start, with a local DNS server as the domain's DNS
// (MAILROOM_DNS_SERVERS): an admin turns DKIM on in the account form, Mailroom generates the key, the form
// shows the record to publish; once published (with SPF and DMARC) the outgoing test's deliverability
// step passes, and the mail the mock receives carries a signature mailauth verifies.
import { verifyDkim } from '@mailroom/core';
import { startTestDnsServer, type TestDnsServer } from '@mailroom/core/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let page: Page;
let dns: TestDnsServer;
let accountId = '';

describe('DKIM signing and the deliverability check', () => {
  beforeAll(async () => {
    buildWeb();
    dns = await startTestDnsServer({ 'dkim.test': { TXT: ['v=spf1 -all'] } });
    product = await startProduct({ MAILROOM_DNS_SERVERS: dns.server });
    browser = await launch();
    page = await adminPage(browser, product.url);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    await dns?.close();
  });

  it('turns DKIM on in the form; the key is generated on save and the record to publish is shown', async () => {
    await page.goto(`${product.url}/accounts/new`);
    await page.getByLabel('Name', { exact: true }).fill('Signed shop');
    await page.getByLabel('Host').fill('127.0.0.1');
    await page.getByRole('group', { name: 'Security' }).getByLabel('None').check();
    await page.getByLabel('Port').fill(String(product.smtpPort));
    await page.getByRole('group', { name: 'Authentication' }).getByLabel('None').check();
    await page.getByLabel('From address').fill('shop@dkim.test');
    await page.getByLabel('Sign outgoing mail with this account’s own DKIM key').check();
    await page.getByLabel('Selector (s=)').fill('e2e');
    expect(await page.getByTestId('dkim-record-pending').textContent()).toContain(
      'generates the key when you save',
    );
    await screenshot(page, '70-dkim-form-new');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save & close' }).press('Enter');
    await page.waitForURL(/\/accounts\/(?!new$)[^/]+$/);
    accountId = new URL(page.url()).pathname.split('/').pop()!;

    await page.goto(`${product.url}/accounts/${accountId}/edit`);
    const record = page.getByTestId('dkim-record');
    await record.waitFor();
    const name = await page.getByLabel('Record name', { exact: true }).inputValue();
    const value = await page.getByLabel('Record value (TXT)', { exact: true }).inputValue();
    expect(name).toBe('e2e._domainkey.dkim.test');
    expect(value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    expect(await page.getByRole('button', { name: 'Copy record value (txt)' }).count()).toBe(1);
    expect(await page.getByRole('radio', { name: 'Keep the stored key' }).isChecked()).toBe(true);
    expect(await page.locator('main').textContent()).not.toContain('PRIVATE KEY');
    await record.scrollIntoViewIfNeeded();
    await screenshot(page, '71-dkim-form-record');
    expect(await seriousViolations(page)).toEqual([]);
    dns.zone[name] = { TXT: [value] };
  });

  it('the outgoing test checks deliverability: failures with hints first, passes once DNS is set up', async () => {
    await page.goto(`${product.url}/accounts/${accountId}`);
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain('Signs with e2e._domainkey.dkim.test');
    await page.getByLabel('Outgoing: also check deliverability (SPF, DKIM, DMARC)').check();
    await page.getByRole('button', { name: 'Test outgoing connection' }).click();
    const step = page.getByTestId('deliverability-step');
    await step.waitFor();
    expect(await page.getByTestId('test-result').textContent()).toContain('Connection works');
    const checks = page.getByRole('list', { name: 'Deliverability checks' });
    // SPF says -all for 127.0.0.1, no DMARC yet; the account's own DKIM key is published.
    expect(await checks.locator('[data-check="spf"]').getAttribute('data-result')).toBe('fail');
    expect(await checks.locator('[data-check="dkim"]').getAttribute('data-result')).toBe('pass');
    expect(await checks.locator('[data-check="dmarc"]').textContent()).toContain('_dmarc.dkim.test');
    await screenshot(page, '72-deliverability-failing');
    expect(await seriousViolations(page)).toEqual([]);

    dns.zone['dkim.test'] = { TXT: ['v=spf1 ip4:127.0.0.1 -all'] };
    dns.zone['_dmarc.dkim.test'] = { TXT: ['v=DMARC1; p=reject'] };
    await page.getByRole('button', { name: 'Test outgoing connection' }).click();
    await expect.poll(() => checks.locator('li[data-result="pass"]').count(), { timeout: 20_000 }).toBe(4);
    await screenshot(page, '73-deliverability-passing');
  });

  it('sends signed mail that verifies against the published record', async () => {
    const api = await apiSession(product.url);
    const sent = await api('POST', '/messages', {
      accountId,
      to: ['reader@example.org'],
      subject: 'Signed by Mailroom',
      text: 'DKIM from the quick start.',
      mode: 'immediate',
    });
    expect(sent.status).toBeLessThan(300);
    const res = await fetch(`${product.mockUrl}/api/messages?subject=Signed%20by%20Mailroom`);
    const { items } = (await res.json()) as { items: Array<{ id: string }> };
    const raw = await (await fetch(`${product.mockUrl}/api/messages/${items[0]!.id}/raw`)).text();
    expect(await verifyDkim(raw, { servers: [dns.server], timeoutMs: 3000 })).toEqual([
      { domain: 'dkim.test', selector: 'e2e', result: 'pass' },
    ]);
  });
});
