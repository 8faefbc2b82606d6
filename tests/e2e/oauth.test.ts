// OAuth2 sign-in as an admin does it in the browser against the quick start's mock provider: the address
// fills the settings, "Sign in with …" goes through the mock's consent page and back, the saved account
// shows the connected identity, its connection test passes with XOAUTH2, a verification code arrives and
// verifies it, a queued send is delivered. Then the grant is revoked on the mock: the next send waits
// (deferred), the account shows auth_failed and "Reconnect"; reconnecting delivers the waiting message.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiSession, mockApi } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { ADMIN, adminPage, buildWeb, type Product, startProduct } from './support/product';

const ADDRESS = 'support@oauth.mock.test';
const NAME = 'Support (Mock OAuth)';
const CLIENT = 'mailroom-e2e';
/** Generous bounds for a loaded 2-core machine: polls end as soon as the condition holds. */
const WAIT = { timeout: 60_000, interval: 250 };
/**
 * After the revoke the pooled session's next transaction gets a 421 (the mock ends the sessions of a revoked
 * grant); signing in again is refused and the refresh answered invalid_grant: deferred, auth_failed. A
 * generous bound: on a loaded machine that may take the outbox's first retry (30 s backoff ± 50 %).
 */
const RETRY_WAIT = { timeout: 150_000, interval: 500 };

const here = fileURLToPath(new URL('.', import.meta.url));
let webDist = '';
let product: Product;
/** The address the quick start prints (and redirects back to after the consent page). */
let base = '';
let browser: Browser;
let page: Page;
let api: Awaited<ReturnType<typeof apiSession>>;
let accountId = '';
/** The message that waits, deferred, for the reconnect. */
let pendingId = '';
const problems: string[] = [];

type MockMessage = { id: string; subject: string; authUser: string | null };

/** The mock's HTTP API (what it received, its OAuth controls). */
const mock = mockApi(() => product.mockUrl);

/** Messages the mock received with this subject (and who signed in to send them). */
const received = async (subject: string) =>
  (await mock<{ items: MockMessage[] }>('GET', `/api/messages?subject=${encodeURIComponent(subject)}`)).items;

async function check(name: string) {
  await screenshot(page, name);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

/** A queued send through the API, as an application sends. */
async function send(subject: string): Promise<string> {
  const res = await api('POST', '/messages', {
    accountId,
    to: ['dora@example.org'],
    subject,
    text: 'Sent through the OAuth2 account.',
  });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return String((res.body.message as { id: string } | undefined)?.id ?? res.body.id);
}

const messageStatus = async (id: string) => String((await api('GET', `/messages/${id}`)).body.status);

/** The mock's consent page, approved as the address the form proposed. */
async function approveOnConsentPage(name: string) {
  await page.waitForURL((u) => u.pathname.endsWith('/oauth/authorize'), { timeout: 60_000 });
  expect(await page.getByLabel('Sign in as').inputValue()).toBe(ADDRESS);
  await screenshot(page, name);
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL((u) => u.origin === new URL(base).origin, { timeout: 60_000 });
}

describe('OAuth2 sign-in, sending, revoke and reconnect in the browser', () => {
  beforeAll(async () => {
    buildWeb();
    // A copy of the build for this suite: another suite rebuilding apps/web/dist meanwhile would change the
    // chunk names under the running page.
    webDist = mkdtempSync(join(tmpdir(), 'mailroom-e2e-web-'));
    cpSync(join(here, '..', '..', 'apps', 'web', 'dist'), webDist, { recursive: true });
    product = await startProduct({ MAILROOM_WEB_DIST: webDist });
    // The quick start's public URL (MAILROOM_PUBLIC_URL defaults to what it prints): the provider sends the
    // browser back there, so the admin works on it, as they would.
    base = product.url.replace('127.0.0.1', 'localhost');
    api = await apiSession(product.url);
    browser = await launch();
    page = await adminPage(browser, base, (p) => {
      p.setDefaultTimeout(30_000);
      p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    });
  }, 240_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail')
      await screenshot(page, `failed-oauth-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {});
    expect(problems.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    if (webDist) rmSync(webDist, { recursive: true, force: true });
  });

  it('fills the settings from the address', async () => {
    await page.goto(`${base}/accounts/new`);
    await page.getByLabel('Email address').fill(ADDRESS);
    await page.getByLabel('Email address').press('Enter');
    await expect.poll(() => page.getByText('from the catalogue').count(), WAIT).toBeGreaterThan(0);
    await expect.poll(() => page.locator('input[name="out-host"]').inputValue(), WAIT).toBe('127.0.0.1');
    await page.getByLabel('Name', { exact: true }).fill(NAME);
    await page.getByLabel('Client ID').first().fill(CLIENT);
    // The quick start's mock speaks STARTTLS with a self-signed certificate: the admin accepts it, for the
    // outgoing and the incoming part.
    const invalid = page.getByLabel('Accept invalid or self-signed certificates (test servers only)');
    expect(await invalid.count()).toBe(2);
    for (const box of await invalid.all()) await box.check();
    // Nothing to sign in with yet: the form's test says to sign in first.
    expect(await page.getByTestId('oauth-test-note').textContent()).toContain('Sign in above before testing');
    await check('oauth-1-form-filled');
  });

  it('signs in through the consent page and comes back connected', async () => {
    await page.getByRole('button', { name: /^Sign in with / }).click();
    await approveOnConsentPage('oauth-2-consent');
    await expect.poll(() => page.getByText(`Connected as ${ADDRESS}`).count(), WAIT).toBeGreaterThan(0);
    // What was typed before leaving for the provider is still there.
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(NAME);
    // The form's test signs in with the sign-in's token before anything is saved.
    expect(await page.getByTestId('oauth-test-note').count()).toBe(0);
    await page.getByRole('button', { name: 'Test outgoing', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('test-result').textContent(), WAIT)
      .toContain('Connection works');
    expect(await page.locator('ol.steps li').filter({ hasText: 'Authenticate' }).textContent()).toContain(
      'mechanism: XOAUTH2',
    );
    await check('oauth-3-connected');
  });

  it('saves the account with the connected identity', async () => {
    await page.getByRole('button', { name: 'Save & close' }).click();
    await page.waitForURL(/\/accounts\/(?!new\b)[^/?]+$/, { timeout: 60_000 });
    accountId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const signIn = page.locator('.oauth-identity');
    await expect.poll(() => signIn.textContent(), WAIT).toContain(`Signed in with OAuth 2 as ${ADDRESS}`);
    const view = (await api('GET', `/accounts/${accountId}`)).body as {
      outgoing: { auth: Record<string, unknown> };
    };
    expect(view.outgoing.auth).toMatchObject({
      method: 'oauth2',
      username: ADDRESS,
      clientId: CLIENT,
      hasToken: true,
    });
  });

  it('passes the outgoing connection test, signing in with XOAUTH2', async () => {
    await page.getByRole('button', { name: 'Test outgoing connection' }).click();
    await expect
      .poll(() => page.getByTestId('test-result').textContent(), WAIT)
      .toContain('Connection works');
    const signIn = page.locator('ol.steps li').filter({ hasText: 'Authenticate' });
    expect(await signIn.textContent()).toContain('mechanism: XOAUTH2');
    const tested = (await api('GET', `/accounts/${accountId}`)).body as {
      lastTest?: Record<string, unknown>;
    };
    expect((tested.lastTest as { outgoing?: { ok?: boolean } } | undefined)?.outgoing?.ok).toBe(true);
    await check('oauth-4-test-passed');
  });

  it('verifies the account with a code the mock received', async () => {
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Verification' }) });
    await card.getByRole('button', { name: 'Send verification code' }).click();
    const dialog = page.getByRole('dialog', { name: 'Verify by confirmation code' });
    await dialog.getByRole('button', { name: 'Send code' }).click();
    const entry = page.getByRole('dialog', { name: 'Enter the confirmation code' });
    await entry.waitFor({ timeout: 60_000 });
    const res = await fetch(
      `${product.mockUrl}/api/codes/latest?to=${encodeURIComponent(ADMIN.email)}&timeoutMs=30000`,
    );
    const { code } = (await res.json()) as { code: string };
    expect(code).toMatch(/^\d{6}$/);
    await entry.getByLabel('Code', { exact: true }).fill(code);
    await page.keyboard.press('Enter');
    await entry.waitFor({ state: 'detached', timeout: 60_000 });
    await card.getByText('Verified', { exact: true }).waitFor({ timeout: 60_000 });
    // The code went out through the account, signed in as the connected identity.
    const codes = await mock<{ items: MockMessage[] }>(
      'GET',
      `/api/messages?user=${encodeURIComponent(ADDRESS)}`,
    );
    expect(codes.items.length).toBeGreaterThan(0);
  });

  it('delivers a queued send', async () => {
    const id = await send('First over OAuth2');
    await expect.poll(() => messageStatus(id), WAIT).toBe('sent');
    const [got] = await received('First over OAuth2');
    expect(got?.authUser).toBe(ADDRESS);
  });

  it('after the grant is revoked, the next send waits and the account asks for a reconnect', async () => {
    const revoked = await mock<{ revoked: number }>('POST', '/api/oauth/revoke', { identity: ADDRESS });
    expect(revoked.revoked).toBeGreaterThan(0);
    const id = await send('Waits for the reconnect');
    await expect.poll(() => messageStatus(id), WAIT).toBe('deferred');
    await expect
      .poll(async () => String((await api('GET', `/accounts/${accountId}`)).body.health), RETRY_WAIT)
      .toBe('auth_failed');
    expect(await messageStatus(id)).toBe('deferred');
    expect(await received('Waits for the reconnect')).toEqual([]);

    await page.reload();
    const banner = page.getByRole('alert').filter({ hasText: 'Mailroom lost access to' });
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.textContent()).toContain(`Mailroom lost access to ${ADDRESS}`);
    expect(await banner.getByRole('button', { name: 'Reconnect' }).count()).toBe(1);
    // What the sending side says matches: nothing is sent until the reconnect.
    await expect
      .poll(() => page.getByText('sends wait, deferred, until the account is reconnected').count(), WAIT)
      .toBe(1);
    await check('oauth-5-lost-access');
    pendingId = id;
  }, 240_000);

  it('reconnects through the consent page and the waiting message is delivered', async () => {
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await page.getByRole('button', { name: /^Sign in with / }).click();
    await approveOnConsentPage('oauth-6-consent-again');
    await page.waitForURL(new RegExp(`/accounts/${accountId}$`), { timeout: 60_000 });
    await expect.poll(() => page.getByText(`Connected as ${ADDRESS}`).count(), WAIT).toBeGreaterThan(0);
    await expect.poll(() => messageStatus(pendingId), WAIT).toBe('sent');
    const [got] = await received('Waits for the reconnect');
    expect(got?.authUser).toBe(ADDRESS);
    await expect
      .poll(async () => String((await api('GET', `/accounts/${accountId}`)).body.health), WAIT)
      .not.toBe('auth_failed');
    await page.reload();
    await page.locator('.oauth-identity').waitFor();
    await expect.poll(() => page.getByText('Mailroom lost access to').count(), WAIT).toBe(0);
    await check('oauth-7-reconnected');
  });

  it('after the provider ended its access tokens early, the connection test still passes (one refresh, one retry)', async () => {
    const expired = await mock<{ expired: number }>('POST', '/api/oauth/expire', { identity: ADDRESS });
    expect(expired.expired).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Test outgoing connection' }).click();
    await expect
      .poll(() => page.getByTestId('test-result').textContent(), WAIT)
      .toContain('Connection works');
    const signIn = page.locator('ol.steps li').filter({ hasText: 'Authenticate' });
    expect(await signIn.textContent()).toContain('mechanism: XOAUTH2');
  });
});
