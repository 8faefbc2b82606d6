import { backends } from '@mailroom/core/testing';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

const PUBLIC = 'http://127.0.0.1:3999';

describe.each(backends)('OAuth2 connect over HTTP on %s', (backend) => {
  let t: TestApp;
  let bare: TestApp;
  let mock: MockMailServer;
  let endpoints: Record<string, unknown>;
  beforeAll(async () => {
    t = await createTestApp(backend, { publicUrl: PUBLIC });
    bare = await createTestApp(backend);
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      imapPort: false,
      imapsPort: false,
      oauth: { domains: ['oauth.mock.test'] },
    });
    endpoints = {
      authorizationEndpoint: `${mock.httpUrl}/oauth/authorize`,
      tokenEndpoint: `${mock.httpUrl}/oauth/token`,
      deviceAuthorizationEndpoint: `${mock.httpUrl}/oauth/device/code`,
      userinfoEndpoint: `${mock.httpUrl}/oauth/userinfo`,
      scopes: ['https://mail.google.com/', 'email'],
    };
  });
  afterAll(async () => {
    await mock?.close();
    await t?.close();
    await bare?.close();
  });

  it('the code flow without MAILROOM_PUBLIC_URL is a 400 problem naming it', async () => {
    const res = await bare.call('POST', '/api/v1/oauth/authorizations', {
      endpoints,
      clientId: 'mailroom',
      flow: 'code',
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(JSON.stringify(body)).toContain('MAILROOM_PUBLIC_URL');
    expect(body.errors[0].path).toBe('flow');
  });

  it('an authorization endpoint over plain http to a public host is refused, naming the field', async () => {
    const res = await t.call('POST', '/api/v1/oauth/authorizations', {
      endpoints: { ...endpoints, authorizationEndpoint: 'http://accounts.example.com/o/oauth2/auth' },
      clientId: 'mailroom',
      flow: 'code',
    });
    expect(res.status).toBe(400);
    expect((await json(res)).errors[0].path).toBe('endpoints.authorizationEndpoint');
  });

  it('code flow end to end: authorize URL, consent, callback redirects to the account; no secret anywhere; state single use', async () => {
    const created = await t.call('POST', '/api/v1/accounts', {
      name: 'Gmail-like',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: mock.smtpPort,
        security: 'none',
        from: { address: 'ann@oauth.mock.test' },
        auth: {
          method: 'oauth2',
          username: 'ann@oauth.mock.test',
          clientId: 'mailroom',
          tokenUrl: `${mock.httpUrl}/oauth/token`,
          refreshToken: 'placeholder',
        },
      },
    });
    expect(created.status).toBe(201);
    const account = await json(created);
    const started = await t.call('POST', '/api/v1/oauth/authorizations', {
      endpoints,
      clientId: 'mailroom',
      clientSecret: 'client-s3cret-value',
      flow: 'code',
      accountId: account.id,
    });
    expect(started.status).toBe(201);
    const { id, authorizationUrl } = await json(started);
    const authUrl = new URL(authorizationUrl);
    expect(authUrl.searchParams.get('redirect_uri')).toBe(`${PUBLIC}/api/v1/oauth/callback`);

    const page = await fetch(authorizationUrl);
    const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const approved = await fetch(`${mock.httpUrl}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ nonce, email: 'ann@oauth.mock.test', decision: 'approve' }).toString(),
    });
    const back = new URL(approved.headers.get('location') ?? '');
    const callbackPath = `/api/v1/oauth/callback${back.search}`;
    // The browser comes back without any Mailroom credentials: the state alone identifies the sign-in.
    const cb = await t.app.request(callbackPath);
    expect(cb.status).toBe(302);
    expect(cb.headers.get('location')).toBe(`/accounts/${account.id}?oauth=connected`);
    const replay = await t.app.request(callbackPath);
    expect(replay.headers.get('location')).toBe('/accounts/new?oauth=invalid');

    const status = await json(t.call('GET', `/api/v1/oauth/authorizations/${id}`));
    expect(status).toMatchObject({
      status: 'connected',
      identity: 'ann@oauth.mock.test',
      accountId: account.id,
    });
    const view = await json(t.call('GET', `/api/v1/accounts/${account.id}`));
    expect(view.outgoing.auth).toMatchObject({ method: 'oauth2', hasToken: true, hasClientSecret: true });

    // Nothing secret in what was answered or recorded.
    const rows = async (q: string) => {
      const r = (await t.env.ctx.db.execute(q)) as unknown as { rows?: unknown[] } | unknown[];
      return (Array.isArray(r) ? r : (r.rows ?? [])) as Array<Record<string, unknown>>;
    };
    const [row] = await rows(`select secrets from accounts where id = '${account.id}'`);
    const stored = row?.secrets as Record<string, string>;
    const refresh = t.env.base.secrets.decrypt(stored['outgoing.auth.refreshToken'] ?? '');
    expect(refresh).toMatch(/^1\/\//);
    const secrets = [
      refresh,
      'client-s3cret-value',
      back.searchParams.get('code') ?? 'x',
      back.searchParams.get('state') ?? 'x',
    ];
    const recorded = JSON.stringify([
      await rows('select * from logs'),
      await rows('select * from account_events'),
      await rows('select * from oauth_authorizations'),
      status,
      view,
    ]);
    for (const s of secrets) expect(recorded).not.toContain(s);
  });

  it('creates an account from a finished sign-in (oauthAuthorizationId); refusals name the field', async () => {
    const started = await json(
      t.call('POST', '/api/v1/oauth/authorizations', {
        endpoints,
        clientId: 'mailroom',
        clientSecret: 'client-s3cret-value',
        flow: 'code',
      }),
    );
    const page = await fetch(started.authorizationUrl);
    const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const approved = await fetch(`${mock.httpUrl}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ nonce, email: 'eve@oauth.mock.test', decision: 'approve' }).toString(),
    });
    const back = new URL(approved.headers.get('location') ?? '');
    const cb = await t.app.request(`/api/v1/oauth/callback${back.search}`);
    expect(cb.headers.get('location')).toBe(`/accounts/new?oauth=connected&authorization=${started.id}`);

    const body = (oauthAuthorizationId?: string) => ({
      name: `From a sign-in ${backend}`,
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: mock.smtpPort,
        security: 'none',
        from: { address: 'eve@oauth.mock.test' },
        auth: {
          method: 'oauth2',
          username: 'eve@oauth.mock.test',
          clientId: 'mailroom',
          tokenUrl: `${mock.httpUrl}/oauth/token`,
        },
      },
      ...(oauthAuthorizationId ? { oauthAuthorizationId } : {}),
    });
    const without = await t.call('POST', '/api/v1/accounts', body());
    expect(without.status).toBe(400);
    expect((await json(without)).errors).toEqual([
      { path: 'outgoing.auth.refreshToken', message: expect.stringContaining('oauthAuthorizationId') },
    ]);
    const unknown = await t.call('POST', '/api/v1/accounts', body('no-such-sign-in'));
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).errors).toEqual([
      { path: 'oauthAuthorizationId', message: 'does not name a sign-in you started' },
    ]);

    const created = await t.call('POST', '/api/v1/accounts', body(started.id));
    expect(created.status).toBe(201);
    const account = await json(created);
    expect(account.outgoing.auth).toMatchObject({
      method: 'oauth2',
      username: 'eve@oauth.mock.test',
      hasToken: true,
      hasClientSecret: true,
    });
    expect(JSON.stringify(account)).not.toContain('client-s3cret-value');
    const status = await json(t.call('GET', `/api/v1/oauth/authorizations/${started.id}`));
    expect(status).toMatchObject({ status: 'connected', accountId: account.id });
    expect(status.usedAt).not.toBeNull();

    const used = await t.call('POST', '/api/v1/accounts', { ...body(started.id), name: `Again ${backend}` });
    expect(used.status).toBe(400);
    expect((await json(used)).errors[0]).toMatchObject({
      path: 'oauthAuthorizationId',
      message: expect.stringContaining('already used'),
    });
  });

  it('OpenAPI documents the OAuth2 routes', async () => {
    const doc = await json(t.app.request('/api/openapi.json'));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/oauth/authorizations',
        '/api/v1/oauth/authorizations/{id}',
        '/api/v1/oauth/callback',
      ]),
    );
    const create = JSON.stringify(doc.paths['/api/v1/accounts'].post);
    expect(create).toContain('oauthAuthorizationId');
    expect(JSON.stringify(doc.paths['/api/v1/accounts/{id}'].patch)).toContain('oauthAuthorizationId');
    expect(JSON.stringify(doc.paths['/api/v1/connection-tests'].post)).toContain('oauthAuthorizationId');
  });
});
