// One decision for From, and partial delivery as its own state, checked in the browser as an admin
// would: the routing explainer and a send agree on the same From (refused, then rewritten once the
// account says so); a message one recipient refuses (550) and another accepts is "Partially sent" in
// its own tab, its drawer and the delivery report; and the admin's own sending address is what their
// mail without a From carries.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let page: Page;
let accountId = '';
const ACCOUNT = 'Sales desk';
const problems: string[] = [];

/** Screenshot + no serious accessibility violation: every changed screen gets both. */
async function check(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

/** Fills the New message dialog; returns it with the send plan it shows before Send is pressed. */
async function compose(m: { from?: string; to: string; subject: string }) {
  await page.goto(`${product.url}/outbox`);
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  if (m.from) await dialog.getByLabel('From (optional)').fill(m.from);
  await dialog.getByLabel('To', { exact: true }).fill(m.to);
  await dialog.getByLabel('Subject').fill(m.subject);
  await dialog.getByLabel('Message').fill('Checking who this comes from.');
  return { dialog, plan: dialog.getByTestId('send-plan') };
}

describe('routing and partial delivery in the browser', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    const api = await apiSession(product.url);
    // The case: the system default may send as sales@example.com and the domain example.com.
    const created = await api('POST', '/accounts', {
      name: ACCOUNT,
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: product.smtpPort,
        security: 'none',
        from: { address: 'sales@example.com', name: 'Sales' },
        fromFilter: ['sales@example.com', 'example.com'],
        sendMode: 'immediate',
      },
    });
    expect(created.status).toBe(201);
    accountId = String(created.body.id);
    const d = await api('PUT', '/defaults', { teamId: null, direction: 'outgoing', accountId });
    expect(d.status).toBe(200);

    browser = await launch();
    page = await adminPage(browser, product.url, (p) => {
      p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      p.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|script-src|Uncaught/.test(m.text()))
          problems.push(m.text());
      });
    });
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail')
      await screenshot(page, `failed-routing-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {});
    expect(problems.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('explains that a From the default may not send as is refused, and the send refuses it alike', async () => {
    await page.getByRole('link', { name: 'Defaults & routing' }).click();
    await page.getByLabel('Mail from').fill('anyone@example.net');
    await page.getByRole('button', { name: 'Explain' }).click();
    const refusal = page.getByTestId('route-refusal');
    await expect.poll(() => refusal.textContent()).toContain('A send would be refused (400)');
    const explained = (await refusal.textContent()) ?? '';
    expect(explained).toContain(`the account "${ACCOUNT}" may not send as anyone@example.net`);
    expect(explained).toContain('rewrite such a From');
    expect(await page.getByTestId('send-as-verdict').textContent()).toContain('From refused');
    await check('40-routing-explain-refused');

    const { dialog, plan } = await compose({
      from: 'anyone@example.net',
      to: 'ok1@example.org',
      subject: 'Refused From',
    });
    await expect.poll(() => plan.textContent()).toContain('From refused');
    await check('41-compose-from-refused');
    await dialog.getByRole('button', { name: 'Send' }).click();
    // The send's error names the same field and says the same thing the explainer said.
    await expect
      .poll(() => dialog.getByRole('alert').first().textContent())
      .toBe(`the account "${ACCOUNT}" may not send as anyone@example.net`);
    await page.keyboard.press('Escape');
  });

  it('rewrites the From in both once the account is set to, and the drawer says why', async () => {
    await page.goto(`${product.url}/accounts/${accountId}/edit`);
    const sendAs = page.getByLabel('Send as (from filter)');
    await sendAs.waitFor();
    const help = await page.locator('.field', { has: sendAs }).locator('.help').textContent();
    expect(help).toContain('only From this account may use');
    await page.getByRole('radio', { name: "Send from this account's address" }).check();
    await expect
      .poll(() => page.getByRole('group', { name: 'A From not on the Send-as list' }).textContent())
      .toContain('with the From asked for as Reply-To');
    await check('42-account-form-send-as');
    await page.getByRole('button', { name: 'Save & close' }).click();
    await page.getByRole('heading', { level: 1, name: ACCOUNT, exact: true }).waitFor();
    expect(await page.getByRole('region', { name: 'Outgoing' }).textContent()).toContain(
      'Another From is sent from sales@example.com with it as Reply-To',
    );
    await check('49-account-details-send-as');

    await page.goto(`${product.url}/defaults`);
    await page.getByLabel('Mail from').fill('anyone@example.net');
    await page.getByRole('button', { name: 'Explain' }).click();
    const verdict = page.getByTestId('send-as-verdict');
    await expect.poll(() => verdict.textContent()).toContain('From rewritten');
    expect(await verdict.textContent()).toContain(
      'Sent as Sales <sales@example.com>, Reply-To anyone@example.net',
    );
    expect(await page.getByTestId('route-refusal').count()).toBe(0);
    await check('43-routing-explain-rewritten');

    const { dialog, plan } = await compose({
      from: 'anyone@example.net',
      to: 'ok1@example.org',
      subject: 'Rewritten From',
    });
    await expect.poll(() => plan.textContent()).toContain('From rewritten');
    await dialog.getByRole('button', { name: 'Send' }).click();
    const drawer = page.getByRole('dialog', { name: 'Rewritten From' });
    await expect.poll(() => drawer.getByTestId('send-as').textContent()).toContain('rewrites the From');
    const text = (await drawer.textContent()) ?? '';
    expect(text).toContain('Sales <sales@example.com>');
    expect(text).toContain('Rewritten');
    expect(text).toMatch(/Reply-To\s*anyone@example\.net/);
    await check('44-outbox-message-rewritten');
    // What the recipient got: the account's own From, the asked one as Reply-To.
    const got = await fetch(
      `${product.mockUrl}/api/messages/wait?subject=Rewritten%20From&timeoutMs=10000`,
    ).then((r) => r.json());
    const full = await fetch(`${product.mockUrl}/api/messages/${got.id}`).then((r) => r.json());
    expect(full.from).toMatchObject({ address: 'sales@example.com' });
    expect(full.replyTo.map((a: { address: string }) => a.address)).toEqual(['anyone@example.net']);
    await page.keyboard.press('Escape');
  });

  it('shows a message one recipient refused as partially sent: drawer, its own tab, the report', async () => {
    const faults = await fetch(`${product.mockUrl}/api/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ stage: 'rcpt', match: 'nobody@*', code: 550, message: 'No such user' }]),
    });
    expect(faults.status).toBe(200);
    const { dialog } = await compose({
      to: 'nobody@example.org, ok1@example.org',
      subject: 'Half delivered',
    });
    await dialog.getByRole('button', { name: 'Send' }).click();
    const drawer = page.getByRole('dialog', { name: 'Half delivered' });
    await expect.poll(() => drawer.locator('.badge').first().textContent()).toBe('Partially sent');
    const banner = drawer.getByRole('status').filter({ hasText: 'Partially sent:' });
    await expect.poll(() => banner.textContent()).toContain('1 of 2 recipients refused it');
    expect(await banner.textContent()).toContain('nobody@example.org');
    expect(await banner.textContent()).toContain('550');
    await drawer.getByRole('button', { name: 'Retry refused recipients' }).waitFor();
    await check('45-outbox-message-partial');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    const tabs = page.getByRole('navigation', { name: 'Message status' });
    await tabs.getByRole('link', { name: 'Partially sent' }).click();
    await expect
      .poll(() => tabs.locator('[aria-current="page"]').allTextContents())
      .toEqual(['Partially sent']);
    const row = page.getByRole('row', { name: /Half delivered/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('1 of 2 refused');
    // Not in Sent, not in Failed: its own state.
    expect(await page.getByRole('row', { name: /Rewritten From/ }).count()).toBe(0);
    await check('46-outbox-partial-tab');
    await tabs.getByRole('link', { name: 'Sent', exact: true }).click();
    await page.getByRole('row', { name: /Rewritten From/ }).waitFor();
    expect(await page.getByRole('row', { name: /Half delivered/ }).count()).toBe(0);
    await tabs.getByRole('link', { name: 'Failed', exact: true }).click();
    await expect.poll(() => page.getByRole('row', { name: /Half delivered/ }).count()).toBe(0);

    await page.getByRole('link', { name: 'Reports' }).click();
    const table = page.getByRole('region', { name: 'Delivery' }).getByRole('table');
    const header = await table.getByRole('row').first().textContent();
    expect(header).toContain('Partially sent');
    const totals = table.locator('tfoot tr');
    await totals.waitFor();
    const cells = await totals.locator('td').allTextContents();
    const names = await table.locator('thead th.num').allTextContents();
    const count = (name: string) => Number(cells[names.indexOf(name)]);
    expect(count('Partially sent')).toBe(1);
    expect(count('Sent')).toBe(1);
    expect(count('Failed')).toBe(0);
    const csvHref = await page
      .getByRole('link', { name: 'Download CSV of the delivery report' })
      .getAttribute('href');
    const csv = await page.evaluate(async (href) => (await fetch(href!)).text(), csvHref);
    expect(csv.split('\r\n')[0]).toContain('partially_sent');
    await check('47-reports-delivery');
  });

  it("sends with the admin's own sending address when the message has no From", async () => {
    await page.getByRole('button', { name: 'Sending identity' }).click();
    const dialog = page.getByRole('dialog', { name: 'My sending identity' });
    await dialog.getByLabel('Display name').fill('Ann Admin');
    await dialog.getByLabel('Sending address').fill('ann@example.com');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const plan = dialog.getByTestId('profile-plan');
    await expect.poll(() => plan.textContent()).toContain('as Ann Admin <ann@example.com>');
    expect(await plan.textContent()).toContain('Allowed');
    await check('48-profile-sending-identity');
    await dialog.getByRole('button', { name: 'Done' }).click();

    const { dialog: composeDialog, plan: sendPlan } = await compose({
      to: 'ok1@example.org',
      subject: 'From my own address',
    });
    await expect.poll(() => sendPlan.textContent()).toContain('Ann Admin <ann@example.com>');
    await composeDialog.getByRole('button', { name: 'Send' }).click();
    const drawer = page.getByRole('dialog', { name: 'From my own address' });
    await expect.poll(() => drawer.getByTestId('send-as').textContent()).toContain('your profile');
    expect(await drawer.textContent()).toContain('Ann Admin <ann@example.com>');
    const got = await fetch(
      `${product.mockUrl}/api/messages/wait?subject=From%20my%20own%20address&timeoutMs=10000`,
    ).then((r) => r.json());
    const full = await fetch(`${product.mockUrl}/api/messages/${got.id}`).then((r) => r.json());
    expect(full.from).toEqual({ name: 'Ann Admin', address: 'ann@example.com' });
    await page.keyboard.press('Escape');

    // An admin sees (and may change) anyone's sending identity in the user's drawer.
    await page.goto(`${product.url}/admin/users`);
    await page.getByRole('button', { name: 'Manage Administrator' }).click();
    const user = page.getByRole('dialog', { name: 'Administrator (you)' });
    await expect.poll(() => user.getByLabel('Sending address').inputValue()).toBe('ann@example.com');
    expect(await user.getByLabel('Display name').inputValue()).toBe('Ann Admin');
    await expect.poll(() => user.textContent()).toContain('changed their profile');
    await check('50-people-user-sending-identity');
  });
});
