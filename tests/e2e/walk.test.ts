// The admin's walk through the product, in a real browser against the real API and the mock
// mail server, mostly by keyboard. Each screen is screenshotted and checked with axe-core.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot, seriousViolations } from './support/browser';
import { ADMIN, buildWeb, type Product, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let page: Page;
let accountUrl = '';
const ACCOUNT = 'Mock SMTP';
const problems: string[] = [];

/** Screenshot + no serious accessibility violation: every screen gets both. */
async function check(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

describe('admin web UI', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Generous: CI machines have 2 cores and the product, the browser and the suite share them.
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // A CSP violation or a script error is a bug even when the screen looks right.
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|script-src|Uncaught/.test(m.text()))
        problems.push(m.text());
    });
  });

  afterEach(async ({ task }) => {
    // A failing step leaves a picture of what the browser showed, next to the other artifacts.
    if (task.result?.state === 'fail')
      await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {});
    expect(problems.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('sends a stranger to sign in, and signs in by keyboard', async () => {
    await page.goto(product.url + '/accounts');
    await page.waitForURL(/\/login\?next=%2Faccounts/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('email');
    await check('01-sign-in');
    await page.keyboard.type(ADMIN.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('wrong password');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Sign-in failed');
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/accounts$/);
    await expect.poll(() => page.locator('.userbox').textContent()).toContain(ADMIN.email);
  });

  it('guides an empty list to "New account"', async () => {
    await page.getByText('No mail accounts yet').waitFor();
    await check('02-accounts-empty');
    await page.locator('.empty').getByRole('link', { name: 'New account' }).press('Enter');
    await page.waitForURL(/\/accounts\/new$/);
  });

  it('creates an SMTP account: port follows security, field errors land on their field', async () => {
    await page.getByLabel('Name', { exact: true }).fill(ACCOUNT);
    await page.getByLabel('Host').fill('127.0.0.1');
    const port = page.getByLabel('Port');
    expect(await port.inputValue()).toBe('587');
    await page.getByRole('group', { name: 'Security' }).getByLabel('TLS (implicit)').check();
    expect(await port.inputValue()).toBe('465');
    await page.getByRole('group', { name: 'Security' }).getByLabel('None').check();
    expect(await port.inputValue()).toBe('25');
    await page.getByRole('group', { name: 'Authentication' }).getByLabel('None').check();
    // Test before Save: a closed port fails at "connect" with a hint a person can act on…
    await port.fill('1');
    await page.getByLabel('From address').fill('sales@example.com');
    await page.getByRole('button', { name: 'Test outgoing' }).press('Enter');
    const result = page.getByTestId('test-result');
    await expect
      .poll(() => result.textContent(), { timeout: 20_000 })
      .toContain('Failed: Connection refused');
    expect(await result.textContent()).toContain('Hint:');
    // …and the mock server's port passes every step.
    await port.fill(String(product.smtpPort));
    await page.getByRole('button', { name: 'Test outgoing' }).press('Enter');
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toContain('Connection works');
    const steps = page.getByRole('list', { name: 'Test steps' });
    for (const step of ['Resolve', 'Connect', 'Greeting', 'Authenticate'])
      expect(await steps.textContent()).toContain(step);
    await check('03-account-form-tested');
    await page.getByLabel('From address').fill('not-an-address');
    await page.getByRole('button', { name: 'Save & close' }).press('Enter');
    const from = page.getByLabel('From address');
    await expect.poll(() => from.getAttribute('aria-invalid')).toBe('true');
    await expect
      .poll(() => page.locator('.field', { has: from }).locator('.error').textContent())
      .toContain('must be a valid email address');
    // Focus moved to the first field in error, so a keyboard user can fix it at once.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
      .toBe('from-address');
    await check('04-account-form-error');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('sales@example.com');
    await page.getByLabel('From name').fill('Sales');
    await page.getByRole('button', { name: 'Save & close' }).press('Enter');
    await page.waitForURL(/\/accounts\/(?!new$)[^/]+$/);
    accountUrl = page.url();
    await page.getByRole('heading', { level: 1, name: ACCOUNT, exact: true }).waitFor();
    await check('05-account-details');
  });

  it('shows an error the API names by path on the form field', async () => {
    await page.goto(product.url + '/accounts/new');
    // Fields follow the choices: each transport shows its own settings…
    const transport = page.getByRole('group', { name: 'Transport' });
    await transport.getByLabel('Mailgun API').check();
    await page.getByLabel('Mailgun domain').waitFor();
    expect(await page.getByLabel('Host').count()).toBe(0);
    await page.getByRole('button', { name: 'API key' }).or(page.getByLabel('API key')).first().waitFor();
    await transport.getByLabel('sendmail').check();
    expect(await page.getByLabel('sendmail path').inputValue()).toBe('/usr/sbin/sendmail');
    await transport.getByLabel('SMTP').check();
    // …and the incoming part's port follows protocol and security.
    await page.getByLabel('Fetches mail').check();
    const incoming = page.getByRole('region', { name: 'Incoming' });
    expect(await incoming.getByLabel('Port').inputValue()).toBe('993');
    await incoming.getByRole('group', { name: 'Protocol' }).getByLabel('POP3').check();
    expect(await incoming.getByLabel('Port').inputValue()).toBe('995');
    await incoming.getByRole('group', { name: 'Security' }).getByLabel('None').check();
    expect(await incoming.getByLabel('Port').inputValue()).toBe('110');
    await check('06-account-form-incoming');
    await page.getByLabel('Fetches mail').uncheck();
    // A second account with the same name: only the server knows names are taken.
    await page.getByLabel('Name', { exact: true }).fill(ACCOUNT);
    await page.getByLabel('Host').fill('127.0.0.1');
    await page.getByRole('group', { name: 'Authentication' }).getByLabel('None').check();
    await page.getByLabel('From address').fill('other@example.com');
    await page.getByRole('button', { name: 'Save & close' }).click();
    const name = page.getByLabel('Name', { exact: true });
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field', { has: name }).locator('.error').textContent()).toContain(
      'already used',
    );
    expect(page.url()).toMatch(/\/accounts\/new$/);
  });

  it('makes the account the system outgoing default', async () => {
    await page.goto(accountUrl);
    await page.getByRole('button', { name: 'Make default' }).press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await check('07-make-default');
    await dialog.getByRole('button', { name: 'Make default' }).press('Enter');
    await page.getByText('★ Default outgoing · System').waitFor();
  });

  it('tests the saved account and shows each step with its timing', async () => {
    await page.getByRole('button', { name: 'Test outgoing connection' }).press('Enter');
    const steps = page.getByRole('list', { name: 'Test steps' });
    await expect.poll(() => steps.textContent(), { timeout: 20_000 }).toContain('Check');
    expect(await steps.textContent()).toMatch(/Connect\s*passed\s*[\d.]+ ms/);
    await expect.poll(() => page.locator('.page-head').textContent()).toContain('Ok');
    await check('08-account-tested');
  });

  it('verifies the account with the code read from the mock mail server', async () => {
    await page.getByRole('button', { name: 'Send verification code' }).press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Send the code to').fill('verify@example.com');
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Code', { exact: true }).waitFor();
    const res = await fetch(`${product.mockUrl}/api/codes/latest?to=verify@example.com&timeoutMs=10000`);
    const { code } = (await res.json()) as { code: string };
    expect(code).toMatch(/^\d{6}$/);
    // A wrong code first: the error says so at the field.
    await dialog.getByLabel('Code', { exact: true }).fill(code === '000000' ? '111111' : '000000');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => dialog.getByLabel('Code', { exact: true }).getAttribute('aria-invalid'))
      .toBe('true');
    await check('09-verification-code');
    await dialog.getByLabel('Code', { exact: true }).fill(code);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page
      .locator('section', { hasText: 'Verification' })
      .getByText('Verified', { exact: true })
      .waitFor();
  });

  it('keeps secrets write-only: a saved password shows as "••• stored — replace"', async () => {
    await page.getByRole('link', { name: 'Edit' }).press('Enter');
    await page.getByRole('heading', { level: 1, name: `Edit ${ACCOUNT}` }).waitFor();
    await page.getByRole('group', { name: 'Authentication' }).getByLabel('Password').check();
    await page.getByLabel('Username').fill('sales');
    await page.getByRole('textbox', { name: 'Password' }).fill('s3cret-never-shown');
    await page.getByRole('button', { name: 'Save', exact: true }).press('Enter');
    const stored = page.getByRole('button', { name: 'Password: ••• stored — replace' });
    await stored.waitFor();
    expect(await page.content()).not.toContain('s3cret-never-shown');
    await check('10-account-edit-secret');
    // Replacing is explicit, and "Keep stored" goes back without sending anything.
    await stored.press('Enter');
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type))
      .toBe('password');
    await page.getByRole('button', { name: 'Keep stored' }).press('Enter');
    // A test towards another port would take the stored password elsewhere: the password field says
    // so, and the banner points at it in words, not with the API's path.
    const editPort = page.locator('input[name="out-port"]');
    await editPort.fill(String(product.smtpPort + 1));
    await page.getByRole('button', { name: 'Test outgoing' }).press('Enter');
    const testProblem = page.getByRole('alert').filter({ hasText: 'The test could not run' });
    await expect
      .poll(() => testProblem.textContent())
      .toContain('Correct the marked field, then test again.');
    expect(await testProblem.textContent()).not.toContain('outgoing.auth');
    expect(await testProblem.textContent()).toContain('Type the secret again');
    expect(await page.getByText('re-enter the secret: the port changed').count()).toBe(1);
    await editPort.fill(String(product.smtpPort));
    await page.getByRole('button', { name: 'Save & close' }).press('Enter');
    await page.getByRole('heading', { level: 1, name: ACCOUNT, exact: true }).waitFor();
    expect(await page.getByRole('region', { name: 'Outgoing' }).textContent()).toContain(
      'sales · password stored',
    );
  });

  it('deactivates, deletes and restores the account with reasons', async () => {
    const stageIs = (s: string) =>
      page.locator('.page-head .badge').first().getByText(s, { exact: true }).waitFor();
    await page.goto(accountUrl);
    await page.getByRole('button', { name: 'Deactivate' }).press('Enter');
    await page.getByRole('dialog').getByLabel('Reason').fill('Maintenance window');
    await check('11-stage-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).press('Enter');
    await stageIs('Inactive');
    await page.getByRole('button', { name: 'Delete' }).press('Enter');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).press('Enter');
    await stageIs('Deleted');
    await page.getByRole('button', { name: 'Restore' }).press('Enter');
    await page.getByRole('dialog').getByRole('button', { name: 'Restore' }).press('Enter');
    await stageIs('Inactive');
    await page.getByRole('button', { name: 'Activate' }).press('Enter');
    await page.getByRole('dialog').getByRole('button', { name: 'Activate' }).press('Enter');
    await stageIs('Active');
    await expect
      .poll(() => page.getByRole('list', { name: 'Timeline' }).textContent())
      .toContain('Maintenance window');
    // Admins leave notes for each other in the same stream.
    await page.getByLabel('Add a comment').fill('Provider confirmed the new relay.');
    await page.getByRole('button', { name: 'Comment', exact: true }).press('Enter');
    await expect
      .poll(() => page.getByRole('list', { name: 'Timeline' }).textContent())
      .toContain('Provider confirmed the new relay.');
  });

  it('shows defaults per scope and explains a routing decision', async () => {
    // Deactivating cleared the default; set it again from the Defaults screen.
    await page.goto(product.url + '/defaults');
    await page.getByRole('button', { name: 'Change System outgoing default' }).press('Enter');
    await page
      .getByRole('dialog')
      .getByLabel('Account')
      .selectOption({ label: `${ACCOUNT} — sales@example.com` });
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).press('Enter');
    await page.getByRole('table').first().getByRole('link', { name: ACCOUNT }).waitFor();
    await page.getByLabel('Mail from').fill('billing@customer.example');
    await page.keyboard.press('Enter');
    const explanation = page.getByTestId('route-explanation');
    await expect.poll(() => explanation.textContent()).toContain(ACCOUNT);
    await check('12-defaults-routing');
  });

  it('sends a message and shows it sent in the outbox with its attempt', async () => {
    await page.goto(product.url + '/outbox');
    await page.getByRole('button', { name: 'New message' }).press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('To', { exact: true }).fill('customer@example.com');
    await dialog.getByLabel('Subject').fill('Hello from the e2e walk');
    await dialog.getByLabel('Message').fill('Sent through the default account.');
    await dialog.getByRole('combobox', { name: /^Mode/ }).selectOption('immediate');
    await check('13-compose');
    await dialog.getByRole('button', { name: 'Send' }).press('Enter');
    // The drawer of the new message opens; it was routed through the system default.
    const drawer = page.getByRole('dialog', { name: 'Hello from the e2e walk' });
    await expect.poll(() => drawer.textContent(), { timeout: 20_000 }).toContain(ACCOUNT);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Sent', exact: true }).press('Enter');
    // Only the tab of the current status is current (all six used to say so).
    const tabs = page.getByRole('navigation', { name: 'Message status' });
    await expect.poll(() => tabs.locator('[aria-current="page"]').allTextContents()).toEqual(['Sent']);
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).press('Enter');
          return page.getByRole('row', { name: /Hello from the e2e walk/ }).count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(1);
    const link = page.getByRole('link', { name: 'Hello from the e2e walk' });
    const sent = page.getByRole('dialog', { name: 'Hello from the e2e walk' });
    // Under load the list may re-render (Refresh) as the link is pressed: press again if no drawer.
    await expect
      .poll(
        async () => {
          if (!(await sent.isVisible())) await link.press('Enter');
          return sent
            .getByRole('list', { name: 'Delivery attempts' })
            .textContent({ timeout: 3000 })
            .catch(() => '');
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toContain('250');
    await check('14-outbox-message');
    const mock = await (await fetch(`${product.mockUrl}/api/messages?to=customer@example.com`)).json();
    expect((mock as { items: Array<{ subject: string }> }).items[0]?.subject).toBe('Hello from the e2e walk');
    await page.keyboard.press('Escape');
  });

  it('follows a queued message in its drawer until the worker has sent it', async () => {
    await page.getByRole('button', { name: 'New message' }).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New message' });
    await dialog.getByLabel('To', { exact: true }).fill('queued@example.com');
    await dialog.getByLabel('Subject').fill('Queued in the e2e walk');
    await dialog.getByLabel('Message').fill('The worker of the same process takes it at once.');
    await dialog.getByRole('combobox', { name: /^Mode/ }).selectOption('queued');
    await dialog.getByRole('button', { name: 'Send' }).press('Enter');
    // No Refresh pressed: the drawer follows the message while it is on its way.
    const drawer = page.getByRole('dialog', { name: 'Queued in the e2e walk' });
    await expect
      .poll(
        () =>
          drawer
            .getByRole('list', { name: 'Delivery attempts' })
            .textContent({ timeout: 3000 })
            .catch(() => ''),
        { timeout: 30_000, interval: 500 },
      )
      .toContain('250');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  it('shows a refused message as failed with the reply, retries it, and cancels a deferred one', async () => {
    const faults = (rules: unknown[]) =>
      fetch(`${product.mockUrl}/api/faults`, {
        method: 'PUT',
        body: JSON.stringify(rules),
        headers: { 'content-type': 'application/json' },
      });
    await faults([
      { stage: 'rcpt', match: 'bounce@example.com', code: 550 },
      { stage: 'rcpt', match: 'later@example.com', code: 451 },
    ]);
    const send = async (to: string, subject: string) => {
      await page.getByRole('button', { name: 'New message' }).press('Enter');
      const dialog = page.getByRole('dialog', { name: 'New message' });
      await dialog.getByLabel('To', { exact: true }).fill(to);
      await dialog.getByLabel('Subject').fill(subject);
      await dialog.getByLabel('Message').fill('Testing refusals.');
      await dialog.getByRole('combobox', { name: /^Mode/ }).selectOption('immediate');
      await dialog.getByRole('button', { name: 'Send' }).press('Enter');
      const drawer = page.getByRole('dialog', { name: subject });
      await drawer.waitFor();
      return drawer;
    };
    const failed = await send('bounce@example.com', 'Will bounce');
    await expect.poll(() => failed.textContent()).toContain('550 Recipient rejected');
    expect(await failed.locator('.badge').first().textContent()).toBe('Failed');
    await check('15-outbox-failed');
    // The server takes it now: Retry sends it again through the worker.
    await faults([{ stage: 'rcpt', match: 'later@example.com', code: 451 }]);
    await failed.getByRole('button', { name: 'Retry now' }).press('Enter');
    await expect
      .poll(() => failed.locator('.badge').first().textContent(), { timeout: 30_000 })
      .toMatch(/Queued|Sending|Sent/);
    // The Retry button is gone with the new status; focus stayed in the drawer, so Escape closes it.
    await page.keyboard.press('Escape');
    await failed.waitFor({ state: 'detached' });
    const deferred = await send('later@example.com', 'Try later');
    await expect.poll(() => deferred.locator('.badge').first().textContent()).toBe('Deferred');
    await deferred.getByRole('button', { name: 'Cancel', exact: true }).press('Enter');
    // Cancel asks first, naming the message; the drawer then says it is cancelled, not that it will be retried.
    await deferred.getByRole('button', { name: 'Cancel message' }).press('Enter');
    await expect.poll(() => deferred.locator('.badge').first().textContent()).toBe('Cancelled');
    expect(await deferred.textContent()).not.toContain('retried by itself');
    await deferred.getByRole('button', { name: 'Close' }).press('Enter');
    await deferred.waitFor({ state: 'detached' });
    await faults([]);
    await page.getByRole('link', { name: 'Cancelled', exact: true }).press('Enter');
    await page.getByRole('row', { name: /Try later/ }).waitFor();
  });

  it("finds the account's events in the logs with a condition, and the URL holds it", async () => {
    const accountId = accountUrl.split('/').pop()!;
    await page.goto(product.url + '/logs');
    await page.getByRole('button', { name: 'Add condition' }).press('Enter');
    await page.getByLabel('Condition 1 field').selectOption('accountId');
    await page.getByLabel('Condition 1 value').selectOption({ label: ACCOUNT });
    await page.getByRole('button', { name: 'Add condition' }).press('Enter');
    await page.getByLabel('Condition 2 field').selectOption('source');
    await page.getByLabel('Condition 2 value').selectOption('verification');
    await page.getByRole('button', { name: 'Apply conditions' }).press('Enter');
    await expect.poll(() => decodeURIComponent(page.url())).toContain(`"value":"${accountId}"`);
    const table = page.getByRole('table');
    await expect.poll(() => table.textContent()).not.toContain('connection_test');
    expect(await table.textContent()).toContain('Verification code sent to verify@example.com');
    await check('16-logs-filtered');
    // The shared URL reproduces the view.
    await page.goto(page.url());
    await expect.poll(() => table.textContent()).toContain('Verification code sent to verify@example.com');
    await page
      .getByRole('button', { name: /Verification code sent/ })
      .first()
      .press('Enter');
    const drawer = page.getByRole('dialog', { name: 'Log entry' });
    await expect.poll(() => drawer.textContent()).toContain('Context');
    await check('17-log-entry');
    await page.keyboard.press('Escape');
    // Level chips narrow the same view, and the URL keeps them too.
    await page.getByRole('button', { name: 'Warning', exact: true }).press('Enter');
    await expect.poll(() => table.textContent()).not.toContain('Verification code sent');
    expect(await table.textContent()).toContain('The code is wrong');
    expect(page.url()).toContain('levels=warning');
  });

  it('lists the account with its badges, filters and search', async () => {
    // A few more accounts through the API, so the list shows the mix an admin has.
    const { csrfToken } = (await (await page.request.get(product.url + '/api/v1/auth/me')).json()) as {
      csrfToken: string;
    };
    const more = [
      {
        name: 'Support inbox',
        purpose: 'customer_service',
        incoming: {
          protocol: 'imap',
          host: 'imap.example.com',
          security: 'tls',
          auth: { method: 'password', username: 'support@example.com', password: 'x-secret-1' },
        },
      },
      {
        name: 'Campaigns (Mailgun)',
        purpose: 'campaigns',
        outgoing: {
          transport: 'mailgun',
          domain: 'mg.example.com',
          apiKey: 'key-123',
          from: { address: 'news@example.com' },
        },
      },
      {
        name: 'Legacy sendmail',
        outgoing: { transport: 'sendmail', from: { address: 'noreply@example.com' } },
      },
    ];
    for (const data of more) {
      const r = await page.request.post(product.url + '/api/v1/accounts', {
        data,
        headers: { 'X-CSRF-Token': csrfToken },
      });
      expect(r.status(), await r.text()).toBe(201);
    }
    await page.goto(product.url + '/accounts');
    const row = page.getByRole('row', { name: new RegExp(ACCOUNT) });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('sales@example.com');
    expect(text).toContain('Active');
    expect(text).toContain('★ Out');
    await check('18-accounts-list');
    await page.keyboard.press('/');
    await page.keyboard.type('no such account');
    await page.getByText('No accounts match').waitFor();
    expect(page.url()).toContain('q=no+such+account');
  });

  it('asks before replacing another default, naming it', async () => {
    await page.goto(product.url + '/accounts');
    await page.getByRole('link', { name: 'Legacy sendmail' }).press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Legacy sendmail', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Make default' }).press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Make default' }).press('Enter');
    await dialog.getByText(`Replace ${ACCOUNT} as default?`).waitFor();
    await check('19-replace-default');
    await dialog.getByRole('button', { name: `Keep ${ACCOUNT}` }).press('Enter');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('.page-head').textContent()).not.toContain('Default outgoing');
  });

  it('works by keyboard alone: skip link, tab order, dialogs keep and return focus', async () => {
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    await page.goto(product.url + '/accounts');
    await page.getByRole('row', { name: new RegExp(ACCOUNT) }).waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // Tab through the page to the account's link, open it with Enter.
    for (let i = 0; i < 40 && (await focused()) !== ACCOUNT; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe(ACCOUNT);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: ACCOUNT, exact: true }).waitFor();
    for (let i = 0; i < 40 && (await focused()) !== 'Deactivate'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Focus is inside the dialog and stays there however far you tab.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(focused).toBe('Deactivate');
  });

  it('has a dark theme that passes the same checks', async () => {
    await page.goto(product.url + '/accounts');
    await page.getByRole('button', { name: 'Switch to dark theme' }).press('Enter');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByRole('row', { name: new RegExp(ACCOUNT) }).waitFor();
    await check('20-accounts-dark');
    await page.goto(accountUrl);
    await page.getByRole('heading', { level: 1, name: ACCOUNT, exact: true }).waitFor();
    await check('21-account-details-dark');
    await page.goto(product.url + '/accounts/new');
    await page.getByLabel('Fetches mail').check();
    await check('22-account-form-dark');
    await page.goto(product.url + '/logs');
    await page.getByRole('table').waitFor();
    await check('23-logs-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).press('Enter');
  });

  it('manages teams, users and API tokens', async () => {
    await page.goto(product.url + '/admin/teams');
    await page.getByLabel('New team').fill('Support');
    await page.keyboard.press('Enter');
    await page.getByRole('cell', { name: 'Support', exact: true }).waitFor();
    await check('24-teams');
    // The header's team switcher scopes the accounts list.
    await page.getByLabel('Team scope').selectOption({ label: 'Support' });
    await page.getByRole('link', { name: 'Mail accounts' }).press('Enter');
    await page.getByText('No accounts match').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).press('Enter');
    await page.getByRole('row', { name: new RegExp(ACCOUNT) }).waitFor();
    expect(await page.getByLabel('Team scope').inputValue()).toBe('');
    await page.goto(product.url + '/admin/users');
    await page.getByRole('cell', { name: ADMIN.email }).waitFor();
    await page.getByRole('button', { name: 'New user' }).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Email').fill('viewer@example.com');
    await dialog.getByLabel('Name').fill('Vera Viewer');
    await dialog.getByLabel('Initial password').fill('short');
    await dialog.getByRole('button', { name: 'Create user' }).press('Enter');
    await dialog.getByText('must be at least 10 characters').waitFor();
    await dialog.getByLabel('Initial password').fill('a long enough password');
    await dialog.getByRole('button', { name: 'Create user' }).press('Enter');
    await page.getByRole('cell', { name: 'viewer@example.com' }).waitFor();
    await check('25-users');
    await page.goto(product.url + '/admin/tokens');
    await page.getByLabel('Token name').fill('CRM integration');
    await page.keyboard.press('Enter');
    const token = page.getByTestId('new-token');
    await token.waitFor();
    expect((await token.textContent())?.length).toBeGreaterThan(20);
    await check('26-token-created');
    await page.keyboard.press('Escape');
    await page.getByRole('cell', { name: 'CRM integration' }).waitFor();
  });

  it('sends an expired session back to sign-in, and returns after', async () => {
    await page.goto(product.url + '/defaults');
    await page.getByRole('heading', { name: 'Defaults & routing' }).waitFor();
    // Let the page's own requests finish first: the next one must be the Outbox's.
    await page.waitForLoadState('networkidle');
    await page.context().clearCookies();
    await page.getByRole('link', { name: 'Outbox' }).press('Enter');
    // The router commits the new URL after the page's data, so `next` may name either page.
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(page.url()).toMatch(/\/login\?next=%2F(outbox|defaults)/);
    const next = decodeURIComponent(new URL(page.url()).searchParams.get('next') ?? '');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === next);
  });

  it('offers the accounts CSV and delivery counts', async () => {
    await page.goto(product.url + '/reports');
    await page.getByRole('heading', { name: 'Delivery' }).waitFor();
    const csv = await page.request.get(product.url + '/api/v1/reports/accounts.csv');
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(ACCOUNT);
    await check('27-reports');
  });
});
