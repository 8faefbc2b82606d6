// Health from real traffic, as an admin checks it in the browser: accounts whose polls fail show it on
// their page within one poll, "Fetch now" fetches, a test run in the form before the first Save counts,
// and the Main Log's "Source = SMTP Auth and Level = Error" finds the 535s of a test and of a send.
import { createServer } from 'node:net';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, startProduct } from './support/product';

const USER = 'ops@example.org';
const PASSWORD = 'E2e-health-pw-9';

let product: Product;
let browser: Browser;
let page: Page;
// A mail server that checks passwords (the quick start's mock accepts any): POP3 and SMTP refuse a wrong one.
let strict: MockMailServer;
let api: Awaited<ReturnType<typeof apiSession>>;
const problems: string[] = [];

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

async function check(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

/** The page's text of one widget, found by its title. */
const widget = (title: string) => page.getByRole('region', { name: title });

describe('health from real traffic', () => {
  beforeAll(async () => {
    buildWeb();
    [product, strict] = await Promise.all([
      startProduct(),
      startMockMailServer({ smtpsPort: false, httpPort: false, users: { [USER]: PASSWORD } }),
    ]);
    api = await apiSession(product.url);
    browser = await launch();
    page = await adminPage(browser, product.url, (p) => {
      p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    });
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail')
      await screenshot(page, `failed-health-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {});
    expect(problems.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    await strict?.close();
  });

  it('shows a POP3 account whose polls are refused as auth failed, with its last failed fetch, within one poll', async () => {
    const created = await api('POST', '/accounts', {
      name: 'Support inbox',
      incoming: {
        protocol: 'pop3',
        host: '127.0.0.1',
        port: strict.pop3Port,
        security: 'none',
        auth: { method: 'password', username: USER, password: 'not-the-password' },
        pollIntervalSec: 10,
      },
    });
    expect(created.status).toBe(201);
    await page.goto(`${product.url}/accounts/${created.body.id}`);
    // The page keeps itself current: no reload, the poller's first poll shows up on its own.
    const fetching = widget('Sending and fetching').getByRole('region', { name: 'Fetching' });
    await expect.poll(() => fetching.textContent(), { timeout: 40_000 }).toContain('Authentication');
    expect(await fetching.textContent()).toContain('-ERR [AUTH] invalid username or password');
    expect(await fetching.textContent()).toMatch(/backing off after \d+ failed poll/);
    await expect.poll(() => page.locator('.page-head').textContent()).toContain('Auth failed');
    await expect
      .poll(() => page.getByRole('list', { name: 'Timeline' }).textContent())
      .toContain('Health: auth failed — Incoming: fetch failed (auth)');
    await check('account-fetch-failing');
  });

  it('fetches on "Fetch now": refused while the password is wrong, mail and ok health once it is right', async () => {
    await page.getByRole('button', { name: 'Fetch now' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Authentication');
    // The admin fixes the password; a customer has written in meanwhile.
    const id = page.url().split('/').pop()!;
    const patched = await api('PATCH', `/accounts/${id}`, {
      incoming: { auth: { method: 'password', username: USER, password: PASSWORD } },
    });
    expect(patched.status).toBe(200);
    const relay = await api('POST', '/accounts', {
      name: 'Customer relay',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: strict.smtpPort,
        security: 'none',
        auth: { method: 'password', username: USER, password: PASSWORD },
        from: { address: 'ann@example.net' },
        sendMode: 'immediate',
      },
    });
    const mail = { accountId: relay.body.id, to: [USER], subject: 'Printer jammed', text: 'Help' };
    expect((await api('POST', '/messages', mail)).body.status).toBe('sent');
    await page.getByRole('button', { name: 'Fetch now' }).click();
    const fetching = widget('Sending and fetching').getByRole('region', { name: 'Fetching' });
    await expect.poll(() => fetching.textContent()).toMatch(/Fetched \d+ new messages? over POP3/);
    await expect.poll(() => page.locator('.page-head').textContent()).toContain('Ok');
    // The failure stays visible beside the success, with its class.
    expect(await fetching.textContent()).toContain('Last failed fetch');
    // The change of health is on the timeline, after the new password.
    await expect
      .poll(() => page.getByRole('list', { name: 'Timeline' }).textContent())
      .toMatch(/^Health: ok — Incoming: fetching works.*Changed incoming\.auth\.password/);
    await check('account-fetch-recovered');
  });

  it('shows an IMAP account that cannot connect as failing, and both accounts in the list', async () => {
    const created = await api('POST', '/accounts', {
      name: 'Archive IMAP',
      incoming: {
        protocol: 'imap',
        host: '127.0.0.1',
        port: await closedPort(),
        security: 'none',
        auth: { method: 'password', username: USER, password: PASSWORD },
        pollIntervalSec: 10,
      },
    });
    expect(created.status).toBe(201);
    await page.goto(`${product.url}/accounts/${created.body.id}`);
    const fetching = widget('Sending and fetching').getByRole('region', { name: 'Fetching' });
    await expect.poll(() => fetching.textContent(), { timeout: 40_000 }).toContain('Connection refused');
    await expect.poll(() => page.locator('.page-head').textContent()).toContain('Failing');

    await page.goto(`${product.url}/accounts`);
    const row = (name: string) => page.getByRole('row', { name: new RegExp(name) });
    // Each direction's latest: the IMAP account's refused connection, the POP3 account's fetch.
    await expect
      .poll(() => row('Archive IMAP').textContent())
      .toMatch(/In✕Failed: Refused (just now|\d+ min ago)/);
    expect(await row('Support inbox').textContent()).toMatch(/InFetched (just now|\d+ min ago)/);
    expect(await row('Customer relay').textContent()).toMatch(/OutSent (just now|\d+ min ago)/);
    await check('accounts-list');
  });

  it('counts a test run in the form before the first Save', async () => {
    await page.goto(`${product.url}/accounts/new`);
    await page.getByLabel('Name', { exact: true }).fill('Ops outbound');
    await page.getByLabel('Host').fill('127.0.0.1');
    await page.getByRole('group', { name: 'Security' }).getByLabel('None').check();
    await page.getByLabel('Port').fill(String(strict.smtpPort));
    await page.getByRole('group', { name: 'Authentication' }).getByLabel('Password').check();
    await page.getByLabel('Username').fill(USER);
    await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    await page.getByLabel('From address').fill(USER);
    await page.getByRole('button', { name: 'Test outgoing' }).click();
    await expect.poll(() => page.getByTestId('test-result').textContent()).toContain('Connection works');
    // Naming the sender does not change the connection the test proved.
    await page.getByLabel('From name').fill('Ops');
    await page.getByRole('button', { name: 'Save & close' }).click();
    await page.waitForURL(/\/accounts\/(?!new$)[^/]+$/);
    await expect.poll(() => page.locator('.page-head').textContent()).toContain('Ok');
    const health = widget('Health and last test');
    expect(await health.textContent()).toContain('Passed');
    expect(await health.textContent()).not.toContain('Never tested');
    await expect
      .poll(() => page.getByRole('list', { name: 'Timeline' }).textContent())
      .toContain('(run in the form before saving)');
  });

  it("finds the 535s of a test and of a send with the seed's filter: Source = SMTP Auth and Level = Error", async () => {
    const created = await api('POST', '/accounts', {
      name: 'Wrong password SMTP',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: strict.smtpPort,
        security: 'none',
        auth: { method: 'password', username: USER, password: 'not-the-password' },
        from: { address: USER },
        sendMode: 'immediate',
      },
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    // The test, as the admin runs it on the account page…
    await page.goto(`${product.url}/accounts/${id}`);
    await page.getByRole('button', { name: 'Test outgoing connection' }).click();
    await expect.poll(() => page.getByTestId('test-result').textContent()).toContain('Authentication');
    // …and a real send through the account.
    const sent = await api('POST', '/messages', {
      accountId: id,
      to: ['ann@example.net'],
      subject: 'Hi',
      text: 'Hi',
    });
    expect(sent.status).toBe(502);
    await page.reload();
    const sending = widget('Sending and fetching').getByRole('region', { name: 'Sending' });
    await expect.poll(() => sending.textContent()).toContain('Last failed send');
    expect(await sending.textContent()).toContain('535');

    await page.goto(`${product.url}/logs`);
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').selectOption({ label: 'Source' });
    await page.getByLabel('Condition 1 value').selectOption({ label: 'SMTP Auth' });
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 2 field').selectOption({ label: 'Level' });
    await page.getByLabel('Condition 2 value').selectOption({ label: 'Error' });
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 3 field').selectOption({ label: 'Account' });
    await page.getByLabel('Condition 3 value').selectOption({ label: 'Wrong password SMTP' });
    await page.getByRole('button', { name: 'Apply conditions' }).click();
    // The URL keeps the codes and the id; the screen shows names.
    await expect.poll(() => decodeURIComponent(page.url())).toContain('"value":"smtp_auth"');
    expect(decodeURIComponent(page.url())).toContain(`"value":"${id}"`);
    const table = page.getByRole('table');
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    const text = (await table.textContent()) ?? '';
    // Both carry the server's 535, the test's and the send's alike.
    expect(text).toMatch(
      /SMTP authentication as ops@example\.org failed on 127\.0\.0\.1:\d+ when sending .+\(535 /,
    );
    expect(text).toMatch(
      /SMTP authentication as ops@example\.org failed \(PLAIN\) on 127\.0\.0\.1:\d+: .+\(535 /,
    );
    expect(text).toContain('SMTP Auth');
    expect(text).not.toContain('smtp_auth');
    await check('logs-filtered');
  });

  it("says a failed TLS handshake in a sentence, OpenSSL's line under Technical detail: fetch, test and outbox", async () => {
    // Implicit TLS to ports that speak plain POP3 and SMTP: OpenSSL reads the greeting as a TLS record.
    const created = await api('POST', '/accounts', {
      name: 'Wrong security',
      incoming: {
        protocol: 'pop3',
        host: '127.0.0.1',
        port: strict.pop3Port,
        security: 'tls',
        auth: { method: 'password', username: USER, password: PASSWORD },
        pollIntervalSec: 3600,
      },
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: strict.smtpPort,
        security: 'tls',
        auth: { method: 'password', username: USER, password: PASSWORD },
        from: { address: USER },
        sendMode: 'immediate',
      },
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const sentence = 'The server did not answer in TLS';
    const openssl = /SSL routines.*wrong version number/;
    /** The sentence shows; OpenSSL's line is folded away until "Technical detail" is opened. */
    async function expectFolded(where: ReturnType<Page['locator']>) {
      await expect.poll(() => where.textContent()).toContain(sentence);
      const details = where.locator('details').first();
      expect(await details.locator('p').isVisible()).toBe(false);
      await details.getByText('Technical detail').click();
      await expect.poll(() => details.locator('p').textContent()).toMatch(openssl);
      expect(await details.locator('p').isVisible()).toBe(true);
    }

    await page.goto(`${product.url}/accounts/${id}`);
    await page.getByRole('button', { name: 'Fetch now' }).click();
    const fetching = widget('Sending and fetching').getByRole('region', { name: 'Fetching' });
    await expectFolded(fetching);

    await page.getByRole('button', { name: 'Test outgoing connection' }).click();
    await expect.poll(() => page.getByTestId('test-result').textContent()).toContain('Failed: TLS');
    await page.reload();
    await expectFolded(widget('Health and last test'));
    await check('account-tls-detail');

    const sent = await api('POST', '/messages', {
      accountId: id,
      to: ['ann@example.net'],
      subject: 'Hi',
      text: 'Hi',
    });
    const messageId = String(sent.body.id ?? sent.body.messageId);
    await page.goto(`${product.url}/outbox/${messageId}`);
    await expectFolded(page.getByRole('dialog'));
    await check('outbox-message-tls-detail');
  });
});
