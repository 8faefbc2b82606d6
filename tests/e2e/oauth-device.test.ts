// The OAuth2 device flow (RFC 8628) as an admin uses it against the quick start's mock provider: the account
// form shows a user code, the verification URL and a countdown; the code is typed on the provider's page in
// a second tab and approved while Mailroom polls (told to slow down once by the mock); the account is saved
// with the connected identity and its connection test passes. A code nobody approves expires, and a code
// denied on the provider's page ends: the form says so, offers a new one, and nothing is created.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiSession, mockApi } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, startProduct } from './support/product';

const ADDRESS = 'device@oauth.mock.test';
const CLIENT = 'mailroom-device-e2e';

type DevicePoll = { at: string; answer: string; early: boolean; forced: boolean; intervalSeconds: number };
type DeviceInfo = {
  userCode: string;
  clientId: string;
  status: string;
  intervalSeconds: number;
  polls: DevicePoll[];
};

let product: Product;
let browser: Browser;
let page: Page;
let api: Awaited<ReturnType<typeof apiSession>>;
const problems: string[] = [];

/** The mock's HTTP API (its test controls). */
const mock = mockApi(() => product.mockUrl);

const device = async (userCode: string) =>
  (await mock<{ devices: DeviceInfo[] }>('GET', `/api/oauth/devices?userCode=${userCode}`)).devices[0];

async function check(name: string) {
  await screenshot(page, name);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

/** The account form with the address typed and the OAuth client filled, then "Use a code instead". */
async function startDeviceFlow(): Promise<{ authorizationId: string }> {
  await page.goto(`${product.url}/accounts/new`);
  await page.getByLabel('Email address').fill(ADDRESS);
  await page.getByLabel('Email address').press('Enter');
  await expect.poll(() => page.getByText('from the catalogue').count()).toBeGreaterThan(0);
  await page.getByLabel('Client ID').first().fill(CLIENT);
  const started = page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/oauth/authorizations') && r.request().method() === 'POST',
  );
  await page.getByRole('button', { name: 'Use a code instead' }).click();
  const res = await started;
  expect(res.status()).toBe(201);
  const body = (await res.json()) as { id: string; flow: string };
  expect(body.flow).toBe('device');
  return { authorizationId: body.id };
}

const accountIds = (r: { body: Record<string, unknown> }) =>
  ((r.body.items ?? []) as Array<{ id: string }>).map((a) => a.id).sort();

const panel = () => page.getByRole('group', { name: 'Sign in with a code' });

describe('OAuth2 device flow in the account form', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    api = await apiSession(product.url);
    browser = await launch();
    page = await adminPage(browser, product.url, (p) => {
      p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    });
  }, 240_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail')
      await screenshot(page, `failed-oauth-device-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(
        () => {},
      );
    expect(problems.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('shows the code, the URL and a countdown; approved after a slow_down, the account is created and tested', async () => {
    // New codes poll every second, and the first on-time poll of each is told to slow down.
    await mock('PUT', '/api/oauth/device-settings', {
      intervalSeconds: 1,
      slowDown: 1,
      expiresInSeconds: null,
    });
    const { authorizationId } = await startDeviceFlow();

    const code = (await panel().locator('.device-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    const link = panel().getByRole('link', { name: `${product.mockUrl}/oauth/device` });
    expect(await link.getAttribute('href')).toContain('/oauth/device');
    const countdown = panel().locator('.countdown');
    const first = (await countdown.textContent()) ?? '';
    expect(first).toMatch(/^\d+:\d\d$/);
    // The countdown runs (it changes; how fast is not the test's business).
    await expect.poll(() => countdown.textContent(), { timeout: 30_000 }).not.toBe(first);
    expect(await panel().textContent()).toContain('Waiting for you to approve');
    await check('oauth-device-code');

    // Mailroom polls the token endpoint; the mock answers the first poll with slow_down.
    await expect
      .poll(async () => (await device(code))?.polls.map((p) => p.answer) ?? [], { timeout: 60_000 })
      .toContain('slow_down');

    // The admin opens the verification URL in another tab, types the code, signs in and approves.
    const tab = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    tab.setDefaultTimeout(20_000);
    await tab.goto(`${product.mockUrl}/oauth/device`);
    await tab.getByLabel('Enter the code shown on your device').fill(code.toLowerCase());
    await tab.getByRole('button', { name: 'Next' }).click();
    await tab.getByLabel('Sign in as').fill(ADDRESS);
    await screenshot(tab, 'oauth-device-mock-consent');
    await tab.getByRole('button', { name: 'Approve' }).click();
    await tab.getByText(`You signed in as ${ADDRESS}`).waitFor();
    await tab.close();

    // Back in Mailroom: connected as the identity the provider names.
    await expect
      .poll(() => page.getByText(`Connected as ${ADDRESS}`).count(), { timeout: 60_000 })
      .toBeGreaterThan(0);
    const view = await api('GET', `/oauth/authorizations/${authorizationId}`);
    expect(view.body).toMatchObject({ status: 'connected', identity: ADDRESS, flow: 'device' });

    // What the mock saw: one slow_down (by the control, on a poll that was on time), the interval then
    // 1 s + 5 s, and Mailroom never again polled sooner than that interval until the tokens were issued.
    const seen = await device(code);
    expect(seen?.status).toBe('used');
    const polls = seen?.polls ?? [];
    const slow = polls.findIndex((p) => p.answer === 'slow_down');
    expect(polls[slow]).toMatchObject({ forced: true, early: false, intervalSeconds: 6 });
    expect(polls.slice(0, slow).every((p) => p.intervalSeconds === 1)).toBe(true);
    const after = polls.slice(slow + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.map((p) => p.early)).toEqual(after.map(() => false));
    expect(after.at(-1)?.answer).toBe('tokens');
    expect(polls.filter((p) => p.answer === 'slow_down')).toHaveLength(1);
    await check('oauth-device-connected');

    // The panel is gone (the code is spent); "Connected as" is said once.
    expect(await panel().count()).toBe(0);
    expect(await page.getByText(`Connected as ${ADDRESS}`).count()).toBe(1);

    // The quick start's mock speaks STARTTLS with a self-signed certificate: the admin accepts it.
    await page
      .getByRole('region', { name: 'Outgoing' })
      .getByLabel('Accept invalid or self-signed certificates (test servers only)')
      .check();
    // Saved: the account signs in as the connected identity.
    await page.getByRole('button', { name: 'Save & close' }).click();
    await page.waitForURL((u) => /^\/accounts\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('/new'));
    await expect.poll(() => page.getByText('Signed in with OAuth 2 as').count()).toBeGreaterThan(0);
    expect(await page.getByText(ADDRESS).count()).toBeGreaterThan(0);
    const accountId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const account = await api('GET', `/accounts/${accountId}`);
    expect(account.body.outgoing).toMatchObject({ auth: { method: 'oauth2', username: ADDRESS } });

    // The connection test signs in with XOAUTH2 and passes.
    await page.getByRole('button', { name: 'Test outgoing connection' }).click();
    const steps = page.getByRole('list', { name: 'Test steps' });
    await expect.poll(() => steps.textContent(), { timeout: 30_000 }).toMatch(/Check\s*passed/);
    const text = (await steps.textContent()) ?? '';
    expect(text).toMatch(/Token\s*passed/);
    expect(text).toMatch(
      /Authenticate\s*passed[^✓✕]*mechanism: XOAUTH2 · username: device@oauth\.mock\.test/,
    );
    expect(text).not.toMatch(/failed/);
    await check('oauth-device-account-tested');
    const grants = await mock<{ grants: Array<{ identity: string; flow: string }> }>(
      'GET',
      `/api/oauth/grants?clientId=${CLIENT}`,
    );
    expect(grants.grants).toEqual([expect.objectContaining({ identity: ADDRESS, flow: 'device_code' })]);
  });

  it('a code nobody approves expires: the form says so and offers a new code; nothing is created', async () => {
    const before = await api('GET', '/accounts');
    const grantIds = async () =>
      (await mock<{ grants: Array<{ id: string }> }>('GET', `/api/oauth/grants?clientId=${CLIENT}`)).grants
        .map((g) => g.id)
        .sort();
    const grantsBefore = await grantIds();
    // The next code lives 5 seconds.
    await mock('PUT', '/api/oauth/device-settings', { expiresInSeconds: 5, intervalSeconds: 1, slowDown: 0 });
    const { authorizationId } = await startDeviceFlow();
    const code = (await panel().locator('.device-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);

    const expired = panel().getByRole('alert');
    await expect.poll(() => expired.textContent(), { timeout: 60_000 }).toContain('The code expired');
    const again = panel().getByRole('button', { name: 'Get a new code' });
    expect(await again.isVisible()).toBe(true);
    await check('oauth-device-expired');

    // Mailroom records it as expired; the mock's page refuses the code; nothing was granted or created.
    await expect
      .poll(async () => (await api('GET', `/oauth/authorizations/${authorizationId}`)).body.status, {
        timeout: 60_000,
      })
      .toBe('expired');
    const refused = await fetch(`${product.mockUrl}/oauth/device?user_code=${code}`);
    expect(refused.status).toBe(400);
    expect(await grantIds()).toEqual(grantsBefore);
    expect(accountIds(await api('GET', '/accounts'))).toEqual(accountIds(before));

    // "Get a new code" starts again: a fresh code with the full lifetime.
    await mock('PUT', '/api/oauth/device-settings', {
      expiresInSeconds: null,
      intervalSeconds: null,
      slowDown: 0,
    });
    await again.click();
    await expect
      .poll(async () =>
        (
          await panel()
            .locator('.device-code')
            .textContent()
            .catch(() => '')
        )?.trim(),
      )
      .toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    const fresh = (await panel().locator('.device-code').textContent())?.trim();
    expect(fresh).not.toBe(code);
    expect(await panel().locator('.countdown').textContent()).toMatch(/^(30|29):\d\d$/);
    await check('oauth-device-new-code');
  });

  it("a code denied on the provider's page: the form says so and offers a new code; nothing is created", async () => {
    const before = await api('GET', '/accounts');
    await mock('PUT', '/api/oauth/device-settings', {
      expiresInSeconds: null,
      intervalSeconds: 1,
      slowDown: 0,
    });
    const { authorizationId } = await startDeviceFlow();
    const code = (await panel().locator('.device-code').textContent())?.trim() ?? '';
    const tab = await browser.newPage();
    tab.setDefaultTimeout(20_000);
    await tab.goto(`${product.mockUrl}/oauth/device?user_code=${code}`);
    await tab.getByRole('button', { name: 'Deny' }).click();
    await tab.getByText('The device was not connected.').waitFor();
    await tab.close();

    const alert = panel().getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 60_000 }).toContain('The sign-in was denied');
    expect(await panel().getByRole('button', { name: 'Get a new code' }).isVisible()).toBe(true);
    await check('oauth-device-denied');
    expect((await api('GET', `/oauth/authorizations/${authorizationId}`)).body).toMatchObject({
      status: 'denied',
      identity: null,
    });
    expect((await device(code))?.polls.at(-1)?.answer).toBe('access_denied');
    expect(accountIds(await api('GET', '/accounts'))).toEqual(accountIds(before));
    await mock('PUT', '/api/oauth/device-settings', { intervalSeconds: null });
  });
});
