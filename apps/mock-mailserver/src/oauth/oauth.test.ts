import { afterEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../server.js';
import {
  authorizeUrl,
  consent,
  nonceOf,
  pkce,
  postForm,
  REDIRECT_URI,
  signIn,
  testClock,
  tokenRequest,
} from '../test-support/oauth.js';
import type { MockMailServerOptions } from '../types.js';
import { DEVICE_GRANT } from './provider.js';

let mock: MockMailServer;
let clock: ReturnType<typeof testClock>;

async function start(options: MockMailServerOptions['oauth'] = {}): Promise<void> {
  clock = testClock();
  mock = await startMockMailServer({
    smtpPort: false,
    smtpsPort: false,
    pop3Port: false,
    imapPort: false,
    imapsPort: false,
    oauth: { clock: clock.read, ...(typeof options === 'object' ? options : {}) },
  });
}

afterEach(async () => {
  await mock?.close();
});

const json = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${mock.httpUrl}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('OAuth2 metadata', () => {
  it('publishes RFC 8414 metadata whose issuer is the base URL of its endpoints', async () => {
    await start();
    const { status, body } = await json('/.well-known/oauth-authorization-server');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: mock.httpUrl,
      authorization_endpoint: `${mock.httpUrl}/oauth/authorize`,
      token_endpoint: `${mock.httpUrl}/oauth/token`,
      device_authorization_endpoint: `${mock.httpUrl}/oauth/device/code`,
      revocation_endpoint: `${mock.httpUrl}/oauth/revoke`,
      userinfo_endpoint: `${mock.httpUrl}/oauth/userinfo`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
    });
    expect(body.grant_types_supported).toEqual(['authorization_code', 'refresh_token', DEVICE_GRANT]);
    expect(body.scopes_supported).toContain('https://mail.google.com/');
  });
});

describe('authorization code flow with PKCE', () => {
  it('approves on the consent page, redirects with code and state, and exchanges the code once', async () => {
    await start();
    const { verifier, challenge } = pkce();
    const page = await fetch(
      authorizeUrl(mock, {
        response_type: 'code',
        client_id: 'mailroom',
        redirect_uri: REDIRECT_URI,
        scope: 'https://mail.google.com/ email',
        state: 's-42',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        login_hint: 'ann@oauth.mock.test',
      }),
    );
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).toContain('mailroom</span> wants to access your mail account');
    expect(html).toContain('value="ann@oauth.mock.test"');
    expect(html).toContain(REDIRECT_URI);

    const answer = await postForm(`${mock.httpUrl}/oauth/authorize`, {
      nonce: nonceOf(html),
      email: 'ann@oauth.mock.test',
      decision: 'approve',
    });
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('s-42');
    const code = location.searchParams.get('code')!;
    expect(code).toBeTruthy();

    const exchange = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: 'mailroom',
      code_verifier: verifier,
    };
    const first = await tokenRequest(mock, exchange);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'https://mail.google.com/ email',
    });
    expect(first.body.access_token).toEqual(expect.any(String));
    expect(first.body.refresh_token).toEqual(expect.any(String));

    // The connected identity, for a client that needs it.
    const me = await json('/oauth/userinfo', {
      headers: { authorization: `Bearer ${first.body.access_token}` },
    });
    expect(me).toEqual({
      status: 200,
      body: { sub: 'ann@oauth.mock.test', email: 'ann@oauth.mock.test', email_verified: true },
    });

    // The code is single use, and its replay takes back what it gave.
    const again = await tokenRequest(mock, exchange);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(
      (await json('/oauth/userinfo', { headers: { authorization: `Bearer ${first.body.access_token}` } }))
        .status,
    ).toBe(401);
    expect(mock.oauth.grants()[0]).toMatchObject({
      identity: 'ann@oauth.mock.test',
      revokedAt: expect.any(String),
    });
  });

  it('answers a denial with access_denied and the state', async () => {
    await start();
    const query = await consent(mock, { challenge: pkce().challenge, state: 'st', decision: 'deny' });
    expect(Object.fromEntries(query)).toEqual({ error: 'access_denied', state: 'st' });
    expect(mock.oauth.grants()).toEqual([]);
  });

  it('uses a consent form once: a second submission is refused', async () => {
    await start();
    const page = await fetch(
      authorizeUrl(mock, {
        response_type: 'code',
        client_id: 'mailroom',
        redirect_uri: REDIRECT_URI,
        scope: 'https://mail.google.com/',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
    );
    const nonce = nonceOf(await page.text());
    const form = { nonce, email: 'ann@oauth.mock.test', decision: 'approve' };
    expect((await postForm(`${mock.httpUrl}/oauth/authorize`, form)).status).toBe(302);
    expect((await postForm(`${mock.httpUrl}/oauth/authorize`, form)).status).toBe(400);
    expect((await postForm(`${mock.httpUrl}/oauth/authorize`, { ...form, nonce: 'forged' })).status).toBe(
      400,
    );
  });

  it('refuses a wrong verifier, a wrong redirect_uri and an expired code with invalid_grant', async () => {
    await start();
    const { verifier, challenge } = pkce();
    const codeFor = async () => (await consent(mock, { challenge })).get('code')!;
    const exchange = (code: string, extra: Record<string, string> = {}) =>
      tokenRequest(mock, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: 'mailroom',
        code_verifier: verifier,
        ...extra,
      });

    const wrongVerifier = await exchange(await codeFor(), { code_verifier: pkce().verifier });
    expect(wrongVerifier).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid code verifier.' },
    });
    const noVerifier = await tokenRequest(mock, {
      grant_type: 'authorization_code',
      code: await codeFor(),
      redirect_uri: REDIRECT_URI,
      client_id: 'mailroom',
    });
    expect(noVerifier.body.error).toBe('invalid_grant');
    const wrongRedirect = await exchange(await codeFor(), {
      redirect_uri: 'http://127.0.0.1:3000/elsewhere',
    });
    expect(wrongRedirect.body.error).toBe('invalid_grant');
    const otherClient = await exchange(await codeFor(), { client_id: 'someone-else' });
    expect(otherClient.body.error).toBe('invalid_grant');

    const late = await codeFor();
    clock.advance(59);
    const inTime = await codeFor();
    expect((await exchange(inTime)).status).toBe(200);
    clock.advance(2);
    expect(await exchange(late)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'The authorization code has expired.' },
    });
  });

  it('redirects request errors back with the state, but never to an unchecked redirect_uri', async () => {
    await start({ clients: [{ clientId: 'app', redirectUris: [REDIRECT_URI] }] });
    const base = {
      response_type: 'code',
      client_id: 'app',
      redirect_uri: REDIRECT_URI,
      scope: 'https://mail.google.com/',
      state: 'z',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    };
    const errorOf = async (params: Record<string, string>) => {
      const response = await fetch(authorizeUrl(mock, { ...base, ...params }), { redirect: 'manual' });
      expect(response.status).toBe(302);
      const query = new URL(response.headers.get('location')!).searchParams;
      expect(query.get('state')).toBe('z');
      return query.get('error');
    };
    expect(await errorOf({ code_challenge_method: 'plain' })).toBe('invalid_request');
    expect(await errorOf({ code_challenge: '' })).toBe('invalid_request');
    expect(await errorOf({ response_type: 'token' })).toBe('unsupported_response_type');
    expect(await errorOf({ scope: 'https://mail.google.com/ admin' })).toBe('invalid_scope');

    for (const params of [{ redirect_uri: 'https://attacker.example/cb' }, { client_id: 'unknown' }]) {
      const response = await fetch(authorizeUrl(mock, { ...base, ...params }), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('shows the consent page again, with a fresh form, when the identity is not an address', async () => {
    await start();
    const page = await fetch(
      authorizeUrl(mock, {
        response_type: 'code',
        client_id: 'mailroom',
        redirect_uri: REDIRECT_URI,
        scope: 'https://mail.google.com/',
        state: 'q',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
    );
    const first = nonceOf(await page.text());
    const again = await postForm(`${mock.httpUrl}/oauth/authorize`, {
      nonce: first,
      email: 'ann',
      decision: 'approve',
    });
    expect(again.status).toBe(400);
    const html = await again.text();
    expect(html).toContain('Enter an email address to sign in as.');
    const second = nonceOf(html);
    expect(second).not.toBe(first);
    const done = await postForm(`${mock.httpUrl}/oauth/authorize`, {
      nonce: second,
      email: 'ann@oauth.mock.test',
      decision: 'approve',
    });
    expect(new URL(done.headers.get('location')!).searchParams.get('state')).toBe('q');
  });

  it('escapes what the request carries on the consent page (client_id, login_hint)', async () => {
    await start();
    const page = await fetch(
      authorizeUrl(mock, {
        response_type: 'code',
        client_id: '<script>alert(1)</script>',
        redirect_uri: REDIRECT_URI,
        scope: 'https://mail.google.com/',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        login_hint: '"><img src=x onerror=alert(1)>',
      }),
    );
    const html = await page.text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('requires a registered client secret by client_secret_basic or client_secret_post', async () => {
    await start({ clients: [{ clientId: 'app', clientSecret: 's3cret', redirectUris: [REDIRECT_URI] }] });
    const { verifier, challenge } = pkce();
    const codeFor = async () => (await consent(mock, { clientId: 'app', challenge })).get('code')!;
    const fields = async () => ({
      grant_type: 'authorization_code',
      code: await codeFor(),
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    const basic = (id: string, secret: string) => ({
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    });

    const none = await tokenRequest(mock, { ...(await fields()), client_id: 'app' });
    expect(none).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const wrong = await tokenRequest(mock, await fields(), basic('app', 'nope'));
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect((await tokenRequest(mock, await fields(), basic('app', 's3cret'))).status).toBe(200);
    const post = await tokenRequest(mock, { ...(await fields()), client_id: 'app', client_secret: 's3cret' });
    expect(post.status).toBe(200);
  });
});

describe('refresh tokens', () => {
  it('rotates: the new one works, the old one is refused and its reuse revokes the grant', async () => {
    await start();
    const first = await signIn(mock);
    const refresh = (token: string) =>
      tokenRequest(mock, { grant_type: 'refresh_token', refresh_token: token, client_id: 'mailroom' });

    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    const third = await refresh(second.body.refresh_token as string);
    expect(third.status).toBe(200);

    // Reuse of a rotated token: refused, and the whole grant ends (RFC 9700 4.14.2).
    expect(await refresh(first.refresh_token)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(await refresh(third.body.refresh_token as string)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(mock.oauth.grants()[0]?.revokedAt).not.toBeNull();
  });

  it('ends the grant when two refreshes race with the same token (a refresh storm)', async () => {
    await start();
    const tokens = await signIn(mock);
    const refresh = () =>
      tokenRequest(mock, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: 'mailroom',
      });
    const results = await Promise.all([refresh(), refresh()]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(mock.oauth.grants()[0]).toMatchObject({ refreshTokens: 2, revokedAt: expect.any(String) });
  });

  it('expires access tokens after expires_in, and a refresh gets a fresh one', async () => {
    await start({ accessTokenTtlSeconds: 600 });
    const tokens = await signIn(mock);
    expect(tokens.expires_in).toBe(600);
    const me = (token: string) => json('/oauth/userinfo', { headers: { authorization: `Bearer ${token}` } });
    clock.advance(599);
    expect((await me(tokens.access_token)).status).toBe(200);
    clock.advance(1);
    expect(await me(tokens.access_token)).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    const refreshed = await tokenRequest(mock, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'mailroom',
    });
    expect((await me(refreshed.body.access_token as string)).status).toBe(200);
  });

  it('revokes through RFC 7009 and refuses another client and an unknown grant type', async () => {
    await start();
    const tokens = await signIn(mock);
    const stranger = await tokenRequest(mock, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'other',
    });
    expect(stranger.body.error).toBe('invalid_grant');
    expect((await tokenRequest(mock, { grant_type: 'password', client_id: 'mailroom' })).body.error).toBe(
      'unsupported_grant_type',
    );
    const revoke = await postForm(`${mock.httpUrl}/oauth/revoke`, {
      token: tokens.access_token,
      client_id: 'mailroom',
    });
    expect(revoke.status).toBe(200);
    const after = await tokenRequest(mock, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'mailroom',
    });
    expect(after.body).toMatchObject({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
  });
});

describe('device authorization grant', () => {
  const poll = (deviceCode: string) =>
    tokenRequest(mock, { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: 'tv' });
  const authorizeDevice = async () => {
    const response = await postForm(`${mock.httpUrl}/oauth/device/code`, {
      client_id: 'tv',
      scope: 'https://mail.google.com/',
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, string | number>;
  };

  it('answers authorization_pending, slow_down (interval + 5 s), then tokens once approved', async () => {
    await start();
    const device = await authorizeDevice();
    expect(device).toMatchObject({
      user_code: expect.stringMatching(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/),
      verification_uri: `${mock.httpUrl}/oauth/device`,
      verification_uri_complete: `${mock.httpUrl}/oauth/device?user_code=${device.user_code}`,
      expires_in: 1800,
      interval: 5,
    });
    const deviceCode = device.device_code as string;

    clock.advance(5);
    expect((await poll(deviceCode)).body.error).toBe('authorization_pending');
    clock.advance(3);
    expect((await poll(deviceCode)).body.error).toBe('slow_down');
    clock.advance(9); // the interval is now 10 s
    expect((await poll(deviceCode)).body.error).toBe('slow_down');
    clock.advance(15);
    expect((await poll(deviceCode)).body.error).toBe('authorization_pending');

    // The person opens the verification page, types the code in lower case, approves.
    const entry = await fetch(`${mock.httpUrl}/oauth/device`);
    expect(await entry.text()).toContain('Enter the code shown on your device');
    const page = await fetch(
      `${mock.httpUrl}/oauth/device?user_code=${String(device.user_code).toLowerCase()}`,
    );
    const html = await page.text();
    expect(html).toContain('tv</span> wants to access your mail account');
    const approved = await postForm(`${mock.httpUrl}/oauth/device`, {
      nonce: nonceOf(html),
      email: 'bob@oauth.mock.test',
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    expect(await approved.text()).toContain('You signed in as bob@oauth.mock.test');

    clock.advance(15);
    const tokens = await poll(deviceCode);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'https://mail.google.com/' });
    expect(mock.oauth.grants()).toMatchObject([
      { identity: 'bob@oauth.mock.test', flow: 'device_code', clientId: 'tv' },
    ]);
    clock.advance(15);
    expect((await poll(deviceCode)).body.error).toBe('invalid_grant');
  });

  it('answers access_denied after a denial and expired_token after expires_in', async () => {
    await start({ deviceCodeTtlSeconds: 60 });
    const denied = await authorizeDevice();
    const page = await fetch(`${mock.httpUrl}/oauth/device?user_code=${denied.user_code}`);
    const deny = await postForm(`${mock.httpUrl}/oauth/device`, {
      nonce: nonceOf(await page.text()),
      decision: 'deny',
    });
    expect(await deny.text()).toContain('Access denied');
    clock.advance(5);
    expect((await poll(denied.device_code as string)).body.error).toBe('access_denied');

    const late = await authorizeDevice();
    clock.advance(60);
    expect((await poll(late.device_code as string)).body.error).toBe('expired_token');
    const expiredPage = await fetch(`${mock.httpUrl}/oauth/device?user_code=${late.user_code}`);
    expect(expiredPage.status).toBe(400);
    expect(await expiredPage.text()).toContain('not valid or has expired');
  });
});

describe('device flow, Google dialect', () => {
  it('answers with Google statuses (428 pending, 403 slow_down and denied) and verification_url', async () => {
    await start({ dialect: 'google' });
    const issue = async () =>
      (await (
        await postForm(`${mock.httpUrl}/oauth/device/code`, {
          client_id: 'tv',
          scope: 'https://mail.google.com/',
        })
      ).json()) as Record<string, string | number>;
    const device = await issue();
    expect(device).toMatchObject({ verification_url: `${mock.httpUrl}/oauth/device`, interval: 5 });
    expect(device).not.toHaveProperty('verification_uri');
    const poll = (code: string) =>
      tokenRequest(mock, { grant_type: DEVICE_GRANT, device_code: code, client_id: 'tv' });
    clock.advance(5);
    expect(await poll(device.device_code as string)).toMatchObject({
      status: 428,
      body: { error: 'authorization_pending' },
    });
    clock.advance(1);
    expect(await poll(device.device_code as string)).toMatchObject({
      status: 403,
      body: { error: 'slow_down' },
    });

    const denied = await issue();
    const page = await fetch(`${mock.httpUrl}/oauth/device?user_code=${denied.user_code}`);
    await postForm(`${mock.httpUrl}/oauth/device`, { nonce: nonceOf(await page.text()), decision: 'deny' });
    clock.advance(5);
    expect(await poll(denied.device_code as string)).toMatchObject({
      status: 403,
      body: { error: 'access_denied' },
    });
  });
});

describe('controls', () => {
  it('lists grants without tokens, expires access tokens and revokes by identity', async () => {
    await start();
    const ann = await signIn(mock, 'ann@oauth.mock.test');
    const bob = await signIn(mock, 'bob@oauth.mock.test');
    const list = await json('/api/oauth/grants');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(ann.access_token);
    expect(JSON.stringify(list.body)).not.toContain(ann.refresh_token);
    expect((list.body.grants as unknown[]).length).toBe(2);

    const me = (token: string) => json('/oauth/userinfo', { headers: { authorization: `Bearer ${token}` } });
    const post = (path: string, body: unknown) =>
      json(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect(await post('/api/oauth/expire', { identity: 'ann@oauth.mock.test' })).toEqual({
      status: 200,
      body: { expired: 1 },
    });
    expect((await me(ann.access_token)).status).toBe(401);
    expect((await me(bob.access_token)).status).toBe(200);

    expect(await post('/api/oauth/revoke', { identity: 'bob@oauth.mock.test' })).toEqual({
      status: 200,
      body: { revoked: 1 },
    });
    expect((await me(bob.access_token)).status).toBe(401);
    const refresh = await tokenRequest(mock, {
      grant_type: 'refresh_token',
      refresh_token: bob.refresh_token,
      client_id: 'mailroom',
    });
    expect(refresh.body.error).toBe('invalid_grant');

    expect(await post('/api/oauth/revoke', { who: 'x' })).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'who', message: 'unknown field' }] },
    });
    const summary = await json('/api/oauth');
    expect(summary.body).toMatchObject({
      enabled: true,
      metadataUrl: `${mock.httpUrl}/.well-known/oauth-authorization-server`,
    });
  });

  it('makes a grant over the API and checks what it is given', async () => {
    await start();
    const post = (body: unknown) =>
      json('/api/oauth/grants', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const made = await post({ identity: 'fay@oauth.mock.test', clientId: 'ci' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ token_type: 'Bearer', scope: 'https://mail.google.com/' });
    const me = await json('/oauth/userinfo', {
      headers: { authorization: `Bearer ${made.body.access_token}` },
    });
    expect(me.body.email).toBe('fay@oauth.mock.test');
    expect(await post({ identity: 'fay', scopes: ['admin'], extra: 1 })).toMatchObject({
      status: 400,
      body: {
        errors: [
          { path: 'extra', message: 'unknown field' },
          { path: 'identity', message: 'expected an email address' },
          { path: 'scopes', message: expect.stringContaining('expected a list of') },
        ],
      },
    });
  });

  it('makes the token endpoint fail through oauth-token fault rules', async () => {
    await start();
    const tokens = await signIn(mock);
    mock.faults.set([
      { stage: 'oauth-token', match: 'refresh_token', code: 503, count: 1 },
      { stage: 'oauth-token', match: 'refresh_token', code: 400, errorType: 'invalid_grant', count: 1 },
    ]);
    const refresh = () =>
      tokenRequest(mock, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: 'mailroom',
      });
    expect(await refresh()).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(await refresh()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The rules are spent and the grant untouched: the refresh token still works.
    expect((await refresh()).status).toBe(200);
    expect(mock.faults.fired().map((f) => f.stage)).toEqual(['oauth-token', 'oauth-token']);
  });

  it('injects slow_down and expired_token into a device flow on a real clock (quick start recipe)', async () => {
    await start();
    mock.faults.set([
      { stage: 'oauth-token', match: '*device_code', code: 400, errorType: 'slow_down', count: 1 },
      { stage: 'oauth-token', match: '*device_code', code: 400, errorType: 'expired_token', count: 1 },
    ]);
    const response = await postForm(`${mock.httpUrl}/oauth/device/code`, {
      client_id: 'tv',
      scope: 'https://mail.google.com/',
    });
    const { device_code: deviceCode } = (await response.json()) as { device_code: string };
    const poll = () =>
      tokenRequest(mock, { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: 'tv' });
    expect(await poll()).toMatchObject({ status: 400, body: { error: 'slow_down' } });
    expect(await poll()).toMatchObject({ status: 400, body: { error: 'expired_token' } });
    clock.advance(5);
    expect((await poll()).body.error).toBe('authorization_pending');
  });

  it('gives new device codes a shorter lifetime and interval and forced slow_downs; logs every poll', async () => {
    await start();
    const put = (body: unknown) =>
      json('/api/oauth/device-settings', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(await put({ expiresInSeconds: 0 })).toMatchObject({ status: 400 });
    expect(await put({ slowDown: -1, colour: 'red' })).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'slowDown' }, { path: 'colour' }] },
    });
    expect(await put({ expiresInSeconds: 30, intervalSeconds: 1, slowDown: 1 })).toEqual({
      status: 200,
      body: { expiresInSeconds: 30, intervalSeconds: 1, slowDown: 1 },
    });
    const response = await postForm(`${mock.httpUrl}/oauth/device/code`, {
      client_id: 'tv',
      scope: 'https://mail.google.com/',
    });
    const device = (await response.json()) as Record<string, string | number>;
    expect(device).toMatchObject({ expires_in: 30, interval: 1 });
    const poll = () =>
      tokenRequest(mock, {
        grant_type: DEVICE_GRANT,
        device_code: String(device.device_code),
        client_id: 'tv',
      });
    clock.advance(1);
    // On time, but the control answers slow_down: the interval is 6 s from now on.
    expect((await poll()).body.error).toBe('slow_down');
    clock.advance(6);
    expect((await poll()).body.error).toBe('authorization_pending');
    clock.advance(2);
    expect((await poll()).body.error).toBe('slow_down'); // too soon: 2 s of the 6 required
    mock.faults.set([
      { stage: 'oauth-token', match: '*device_code', code: 400, errorType: 'slow_down', count: 1 },
    ]);
    expect((await poll()).body.error).toBe('slow_down');

    const listed = await json(`/api/oauth/devices?userCode=${String(device.user_code).toLowerCase()}`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(String(device.device_code));
    expect(listed.body.next).toEqual({ expiresInSeconds: 30, intervalSeconds: 1, slowDown: 1 });
    const [info] = listed.body.devices as Array<Record<string, unknown>>;
    expect(info).toMatchObject({
      userCode: device.user_code,
      clientId: 'tv',
      status: 'pending',
      intervalSeconds: 11,
      slowDownsLeft: 0,
    });
    expect(
      (info!.polls as Array<Record<string, unknown>>).map(({ answer, early, forced, intervalSeconds }) => ({
        answer,
        early,
        forced,
        intervalSeconds,
      })),
    ).toEqual([
      { answer: 'slow_down', early: false, forced: true, intervalSeconds: 6 },
      { answer: 'authorization_pending', early: false, forced: false, intervalSeconds: 6 },
      { answer: 'slow_down', early: true, forced: false, intervalSeconds: 11 },
      { answer: 'slow_down', early: false, forced: true, intervalSeconds: 11 },
    ]);

    // null goes back to the configured values; a reset forgets the settings too.
    expect((await put({ expiresInSeconds: null })).body).toEqual({
      expiresInSeconds: null,
      intervalSeconds: 1,
      slowDown: 1,
    });
    await fetch(`${mock.httpUrl}/api/reset`, { method: 'POST' });
    expect((await json('/api/oauth/device-settings')).body).toEqual({
      expiresInSeconds: null,
      intervalSeconds: null,
      slowDown: 0,
    });
    expect((await json('/api/oauth/devices')).body.devices).toEqual([]);
  });

  it('expires one device code now, or makes it slow down, by its user code', async () => {
    await start();
    const response = await postForm(`${mock.httpUrl}/oauth/device/code`, {
      client_id: 'tv',
      scope: 'https://mail.google.com/',
    });
    const device = (await response.json()) as Record<string, string>;
    const control = (userCode: string, body: unknown) =>
      json(`/api/oauth/devices/${userCode}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const poll = () =>
      tokenRequest(mock, { grant_type: DEVICE_GRANT, device_code: device.device_code!, client_id: 'tv' });
    expect((await control('BBBB-BBBB', { expire: true })).status).toBe(404);
    expect((await control(device.user_code!, { expire: 'yes' })).status).toBe(400);
    expect((await control(device.user_code!, { slowDown: 1 })).body).toMatchObject({ slowDownsLeft: 1 });
    clock.advance(5);
    expect((await poll()).body.error).toBe('slow_down');
    expect((await control(device.user_code!, { expire: true })).body).toMatchObject({ status: 'expired' });
    clock.advance(10);
    expect((await poll()).body.error).toBe('expired_token');
    const page = await fetch(`${mock.httpUrl}/oauth/device?user_code=${device.user_code}`);
    expect(page.status).toBe(400);
  });

  it('forgets every grant on reset (POST /api/reset)', async () => {
    await start();
    const tokens = await signIn(mock);
    expect((await fetch(`${mock.httpUrl}/api/reset`, { method: 'POST' })).ok).toBe(true);
    expect(mock.oauth.grants()).toEqual([]);
    expect(mock.oauth.checkAccessToken(tokens.access_token)).toEqual({ ok: false, reason: 'unknown' });
  });
});
