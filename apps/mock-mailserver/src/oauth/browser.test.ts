import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listen } from '../listen.js';
import { type MockMailServer, startMockMailServer } from '../server.js';
import { authorizeUrl, pkce, postForm, testClock, tokenRequest } from '../test-support/oauth.js';
import { DEVICE_GRANT } from './provider.js';

// The consent and device pages in a real browser (Debian's Chromium, playwright-core): a
// person approves, the browser follows the redirect to the client's callback. CI must run it.
const CHROMIUM = '/usr/bin/chromium';
const installed = existsSync(CHROMIUM);
if (!installed && process.env.CI) throw new Error(`${CHROMIUM} is missing; CI runs the browser tests`);

let browser: Browser;
let mock: MockMailServer;
let page: Page;
let callback: Server;
let callbackUrl: string;
/** The query strings the client's callback received, in order. */
let received: URLSearchParams[];
let clock: ReturnType<typeof testClock>;

describe.skipIf(!installed)('consent pages in Chromium', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  }, 60_000);
  afterAll(() => browser?.close());

  beforeEach(async () => {
    clock = testClock();
    mock = await startMockMailServer({
      smtpPort: false,
      smtpsPort: false,
      pop3Port: false,
      imapPort: false,
      imapsPort: false,
      oauth: { clients: [{ clientId: 'mailroom', name: 'Mailroom' }], clock: clock.read },
    });
    received = [];
    callback = createServer((req, res) => {
      received.push(new URL(req.url ?? '/', 'http://x').searchParams);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('connected');
    });
    callbackUrl = `http://127.0.0.1:${await listen(callback, 0, '127.0.0.1')}/callback`;
    page = await browser.newPage();
  });
  afterEach(async () => {
    await page?.close();
    await new Promise((resolve) => callback.close(resolve));
    await mock.close();
  });

  it('approves as the typed identity and lands on the callback with code and state', async () => {
    const { verifier, challenge } = pkce();
    await page.goto(
      authorizeUrl(mock, {
        response_type: 'code',
        client_id: 'mailroom',
        redirect_uri: callbackUrl,
        scope: 'https://mail.google.com/ email',
        state: 'st-1',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(await page.locator('h1').textContent()).toBe('Mailroom wants to access your mail account');
    await page.getByLabel('Sign in as').fill('carol@oauth.mock.test');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`${callbackUrl}?**`);
    expect(await page.textContent('body')).toBe('connected');
    const [query] = received;
    expect(query?.get('state')).toBe('st-1');
    const tokens = await tokenRequest(mock, {
      grant_type: 'authorization_code',
      code: query?.get('code') ?? '',
      redirect_uri: callbackUrl,
      client_id: 'mailroom',
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
    expect(mock.oauth.grants()).toMatchObject([{ identity: 'carol@oauth.mock.test' }]);
  });

  it('denies: the callback gets access_denied', async () => {
    await page.goto(
      authorizeUrl(mock, {
        response_type: 'code',
        client_id: 'mailroom',
        redirect_uri: callbackUrl,
        scope: 'https://mail.google.com/',
        state: 'st-2',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
    );
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(`${callbackUrl}?**`);
    expect(Object.fromEntries(received[0] ?? [])).toEqual({ error: 'access_denied', state: 'st-2' });
  });

  it('approves a device: type the code, sign in as someone, the device gets tokens', async () => {
    const response = await postForm(`${mock.httpUrl}/oauth/device/code`, {
      client_id: 'mailroom',
      scope: 'https://mail.google.com/',
    });
    const device = (await response.json()) as {
      device_code: string;
      user_code: string;
      verification_uri: string;
    };
    await page.goto(device.verification_uri);
    await page
      .getByLabel('Enter the code shown on your device')
      .fill(device.user_code.toLowerCase().replace('-', ''));
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await page.locator('#user-code').textContent()).toBe(device.user_code);
    await page.getByLabel('Sign in as').fill('dave@oauth.mock.test');
    await page.getByRole('button', { name: 'Approve' }).click();
    expect(await page.locator('h1').textContent()).toBe('Device connected');
    clock.advance(5); // the device waits its interval before it polls
    const tokens = await tokenRequest(mock, {
      grant_type: DEVICE_GRANT,
      device_code: device.device_code,
      client_id: 'mailroom',
    });
    expect(tokens.status).toBe(200);
    expect(mock.oauth.grants()).toMatchObject([{ identity: 'dave@oauth.mock.test', flow: 'device_code' }]);
  });
});
