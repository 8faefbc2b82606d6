// OAuth2 end to end against the mock provider (a registered client with a secret): sign-in by the code flow
// through the consent page, an account created from it with DKIM signing, connection tests, a send, a fetch,
// a refresh, a device-flow sign-in, then the grant revoked (auth_failed) — with the account's debug
// transcripts on. Nothing read back afterwards (every API answer, the Main Log, the timeline, webhook
// payloads, every database column) holds the client secret, an access or refresh token, an authorization
// or device code, the PKCE verifier, the state, the base64 of an XOAUTH2 string or the DKIM private key.
// And: the callback's state and PKCE verifier work once, and not after their 10 minutes.
import { generateKeyPairSync } from 'node:crypto';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, listener } from './support/servers';
import { startTarget, type Target } from './support/target';

const IDENTITY = 'ann@oauth.mock.test';
const CLIENT_ID = 'mailroom-security';
const CLIENT_SECRET = 'Cs9Tq2-oauth-client-secret-value';
/** MAILROOM_PUBLIC_URL: what the redirect URI says. The test brings the callback to the target itself. */
const PUBLIC = 'http://127.0.0.1:3999';

let target: Target;
let mock: MockMailServer;
let hooks: Listener;
let endpoints: Record<string, unknown>;

/** What the token endpoint was sent and what it issued: every one a secret Mailroom must never show. */
const seen = {
  access: [] as string[],
  refresh: [] as string[],
  verifiers: [] as string[],
  codes: [] as string[],
  deviceCodes: [] as string[],
  states: [] as string[],
  /** grant_type of every token request that reached the provider. */
  grants: [] as string[],
};

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (Array.isArray(r) ? r : ((r as { rows?: Row[] }).rows ?? []));

/** Every row of every table of the product's database, as text. */
async function database(): Promise<string> {
  const db = target.running.base.db;
  const tables = rowsOf(
    await db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    ),
  ).map((r) => String(r.table_name));
  expect(tables).toEqual(expect.arrayContaining(['accounts', 'logs', 'oauth_authorizations', 'messages']));
  const out: string[] = [];
  for (const t of tables) {
    out.push(`table ${t}\n${JSON.stringify(rowsOf(await db.execute(sql.raw(`select * from "${t}"`))))}`);
  }
  return out.join('\n');
}

/** Secrets built from others: their start is no secret (an XOAUTH2 string starts with the username). */
const built = new Set(['XOAUTH2 (base64)', 'DKIM private key']);

/**
 * Every way a secret could be read: clear, base64 (padded or not, url-safe), URL-encoded, and the first
 * 12 characters of a random one (a "prefix for debugging" is a leak too). Says where it was found.
 */
function leaksOf(text: string, secrets: Record<string, string[]>): string[] {
  const found: string[] = [];
  for (const [kind, values] of Object.entries(secrets)) {
    for (const s of new Set(values)) {
      const b64 = Buffer.from(s).toString('base64');
      const forms = [
        s,
        b64,
        b64.replace(/=+$/, ''),
        Buffer.from(s).toString('base64url'),
        encodeURIComponent(s),
      ];
      // The start of a random secret (not of strings built from one, whose start is no secret).
      if (s.length >= 16 && !built.has(kind)) forms.push(s.slice(0, 12));
      for (const f of new Set(forms)) {
        const at = text.indexOf(f);
        if (at >= 0) {
          const where = text.slice(Math.max(0, at - 160), at + f.length + 40);
          found.push(`${kind} ${JSON.stringify(f.slice(0, 12))}… in …${JSON.stringify(where)}`);
        }
      }
    }
  }
  return found;
}

/** The consent page of an authorization URL, approved as `email`: the query the provider sends back. */
async function consent(authorizationUrl: string, email: string): Promise<URLSearchParams> {
  const page = await fetch(authorizationUrl);
  const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1];
  expect(nonce, 'a consent form').toBeTruthy();
  const approved = await fetch(`${mock.httpUrl}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ nonce: nonce!, email, decision: 'approve' }).toString(),
  });
  expect(approved.status).toBe(302);
  const back = new URL(approved.headers.get('location') ?? '');
  expect(back.origin + back.pathname).toBe(`${PUBLIC}/api/v1/oauth/callback`);
  const state = back.searchParams.get('state');
  if (state) seen.states.push(state);
  return back.searchParams;
}

/** The browser's way back, brought to the target: no Mailroom credentials, only the query. */
async function callback(query: URLSearchParams): Promise<string> {
  const res = await fetch(`${target.url}/api/v1/oauth/callback?${query}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location') ?? '';
}

async function startCode(): Promise<{ id: string; authorizationUrl: string }> {
  const r = await target.admin.call('POST', '/api/v1/oauth/authorizations', {
    endpoints,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    flow: 'code',
  });
  expect(r.status, r.text).toBe(201);
  return r.body;
}

beforeAll(async () => {
  mock = await startMockMailServer({
    host: '127.0.0.1',
    smtpPort: 0,
    smtpsPort: false,
    pop3Port: false,
    imapPort: 0,
    imapsPort: false,
    httpPort: 0,
    log: () => {},
    oauth: { domains: ['oauth.mock.test'], clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] },
  });
  // Read what reaches the token endpoint and what it gives, without changing an answer.
  const token = mock.oauth.token.bind(mock.oauth);
  mock.oauth.token = (client, body) => {
    seen.grants.push(body.get('grant_type') ?? '');
    for (const [field, list] of [
      ['code_verifier', seen.verifiers],
      ['code', seen.codes],
      ['device_code', seen.deviceCodes],
      ['refresh_token', seen.refresh],
    ] as const) {
      const v = body.get(field);
      if (v) list.push(v);
    }
    const issued = token(client, body);
    seen.access.push(issued.access_token);
    seen.refresh.push(issued.refresh_token);
    return issued;
  };
  mock.oauth.setDeviceSettings({ intervalSeconds: 1 });
  endpoints = {
    authorizationEndpoint: `${mock.httpUrl}/oauth/authorize`,
    tokenEndpoint: `${mock.httpUrl}/oauth/token`,
    deviceAuthorizationEndpoint: `${mock.httpUrl}/oauth/device/code`,
    userinfoEndpoint: `${mock.httpUrl}/oauth/userinfo`,
    scopes: ['https://mail.google.com/', 'email'],
  };
  target = await startTarget({ MAILROOM_ALLOW_PRIVATE_HOSTS: 'true', MAILROOM_PUBLIC_URL: PUBLIC });
  hooks = await listener();
}, 120_000);

afterAll(async () => {
  await target?.close();
  await mock?.close();
  await hooks?.close();
});

describe('no OAuth2 secret in anything Mailroom answers, logs or stores', () => {
  it('after sign-in, tests, a send, a fetch, a refresh, a device sign-in and a revoke', async () => {
    const answers: string[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await target.admin.call(method, path, body);
      answers.push(`${method} ${path} → ${r.status}\n${r.text}`);
      return r;
    };
    const dkimKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const hook = await call('POST', '/api/v1/webhooks', { url: hooks.url, eventTypes: 'all' });
    expect(hook.status, hook.text).toBe(201);

    // Sign in by the code flow, then create the account from it.
    const started = await startCode();
    // (Its answer, the authorization URL, carries the state by design: the browser takes it to the provider.
    // It is left out of what is searched; the state must be nowhere else.)
    const location = await callback(await consent(started.authorizationUrl, IDENTITY));
    expect(location).toBe(`/accounts/new?oauth=connected&authorization=${started.id}`);
    const oauth2 = {
      method: 'oauth2',
      username: IDENTITY,
      clientId: CLIENT_ID,
      tokenUrl: `${mock.httpUrl}/oauth/token`,
    };
    const created = await call('POST', '/api/v1/accounts', {
      name: 'OAuth secrets',
      debug: true,
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: mock.smtpPort,
        security: 'none',
        from: { address: IDENTITY },
        auth: oauth2,
        dkim: { domain: 'oauth.mock.test', selector: 's1', privateKey: dkimKey },
      },
      incoming: { protocol: 'imap', host: '127.0.0.1', port: mock.imapPort, security: 'none', auth: oauth2 },
      oauthAuthorizationId: started.id,
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    expect(created.body.outgoing.auth).toMatchObject({
      method: 'oauth2',
      username: IDENTITY,
      hasToken: true,
    });

    // Connection tests both ways, a send (to the identity itself) and a fetch of it.
    const out = await call('POST', `/api/v1/accounts/${id}/test`, { direction: 'outgoing' });
    expect(out.body.ok, out.text).toBe(true);
    const inc = await call('POST', `/api/v1/accounts/${id}/test`, { direction: 'incoming' });
    expect(inc.body.ok, inc.text).toBe(true);
    const send = async (subject: string) => {
      const r = await call('POST', '/api/v1/messages', {
        accountId: id,
        to: [IDENTITY],
        subject,
        text: subject,
        mode: 'immediate',
      });
      expect(r.status, r.text).toBeLessThan(300);
      return (r.body.messageId ?? r.body.id) as string;
    };
    const first = await send('First');
    expect(mock.messages({ to: IDENTITY }).map((m) => m.subject)).toContain('First');
    expect(Object.keys(mock.messages({ to: IDENTITY })[0]?.headers ?? {})).toContain('dkim-signature');
    const fetched = await call('POST', `/api/v1/accounts/${id}/fetch`);
    expect(fetched.body, fetched.text).toMatchObject({ fetched: 1 });
    expect(fetched.body.error).toBeUndefined();

    // A refresh: the provider expires the access token early; the next send is refused once and renews it.
    const grantsBefore = mock.oauth.grants({ identity: IDENTITY })[0]?.refreshTokens ?? 0;
    mock.oauth.expireAccessTokens({ identity: IDENTITY });
    const second = await send('Second');
    expect(mock.oauth.grants({ identity: IDENTITY })[0]?.refreshTokens).toBeGreaterThan(grantsBefore);
    expect(seen.grants).toContain('refresh_token');

    // A device-flow sign-in (a reconnect of the same account) approved on the provider's page.
    const device = await call('POST', '/api/v1/oauth/authorizations', {
      endpoints,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      flow: 'device',
      accountId: id,
    });
    expect(device.status, device.text).toBe(201);
    const page = await fetch(`${mock.httpUrl}/oauth/device?user_code=${device.body.userCode}`);
    const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    await fetch(`${mock.httpUrl}/oauth/device`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ nonce, email: IDENTITY, decision: 'approve' }).toString(),
    });
    await expect
      .poll(async () => (await call('GET', `/api/v1/oauth/authorizations/${device.body.id}`)).body.status, {
        timeout: 60_000,
      })
      .toBe('connected');
    expect(seen.deviceCodes.length).toBeGreaterThan(0);
    const third = await send('Third');

    // The grants are revoked at the provider: the next send finds the refresh refused, auth_failed.
    mock.oauth.revoke({ identity: IDENTITY });
    const deferred = await call('POST', '/api/v1/messages', {
      accountId: id,
      to: [IDENTITY],
      subject: 'Fourth',
      text: 'Fourth',
      mode: 'immediate',
    });
    await expect
      .poll(async () => JSON.stringify((await call('GET', `/api/v1/accounts/${id}`)).body), {
        timeout: 60_000,
      })
      .toContain('auth_failed');
    const fourth = (deferred.body.messageId ?? deferred.body.id) as string;
    const again = await call('POST', `/api/v1/accounts/${id}/test`, { direction: 'outgoing' });
    expect(again.body.ok).toBe(false);
    const refusedFetch = await call('POST', `/api/v1/accounts/${id}/fetch`);
    expect(refusedFetch.body.error, refusedFetch.text).toBeDefined();

    // Webhook payloads (as delivered and as listed), waited for boundedly.
    const types = () => hooks.seen.map((h) => (JSON.parse(h.body) as { type: string }).type);
    await expect
      .poll(types, { timeout: 60_000 })
      .toEqual(expect.arrayContaining(['message.sent', 'account.health_changed']));

    // Everything readable afterwards.
    for (const path of [
      '/api/v1/accounts',
      `/api/v1/accounts/${id}`,
      `/api/v1/accounts/${id}/timeline`,
      `/api/v1/accounts/${id}/deliverability`,
      '/api/v1/logs?pageSize=500',
      `/api/v1/logs?accountId=${id}&pageSize=500`,
      `/api/v1/messages?accountId=${id}`,
      ...[first, second, third, fourth].map((m) => `/api/v1/messages/${m}`),
      '/api/v1/inbox',
      `/api/v1/oauth/authorizations/${started.id}`,
      `/api/v1/oauth/authorizations/${device.body.id}`,
      '/api/v1/webhooks',
      `/api/v1/webhooks/${hook.body.id}/deliveries`,
      '/api/v1/reports/accounts.csv',
    ]) {
      await call('GET', path);
    }
    const everything = [
      ...answers,
      ...hooks.seen.map((s) => `webhook ${s.url}\n${JSON.stringify(s.headers)}\n${s.body}`),
      await database(),
    ].join('\n');
    // The debug transcript is there (so its absence of secrets means something).
    expect(everything).toContain('AUTH XOAUTH2');

    expect(seen.access.length).toBeGreaterThanOrEqual(3);
    expect(seen.verifiers.length).toBe(1);
    const xoauth2 = seen.access.map((t) =>
      Buffer.from(`user=${IDENTITY}\x01auth=Bearer ${t}\x01\x01`).toString('base64'),
    );
    const pemBody = dkimKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const secrets = {
      'client secret': [CLIENT_SECRET],
      'access token': seen.access,
      'refresh token': seen.refresh,
      'PKCE verifier': seen.verifiers,
      'authorization code': seen.codes,
      'device code': seen.deviceCodes,
      state: seen.states,
      'XOAUTH2 (base64)': xoauth2,
      'DKIM private key': [dkimKey, pemBody.slice(64, 128), pemBody.slice(-64)],
    };
    expect(leaksOf(everything, secrets)).toEqual([]);
  });
});

describe('the state and the PKCE verifier work once, and for 10 minutes', () => {
  it('a replayed callback is refused and never reaches the token endpoint again', async () => {
    const started = await startCode();
    const query = await consent(started.authorizationUrl, 'bob@oauth.mock.test');
    expect(await callback(query)).toBe(`/accounts/new?oauth=connected&authorization=${started.id}`);
    const exchanges = seen.grants.filter((g) => g === 'authorization_code').length;

    // The same redirect again (a reload, a stolen URL): refused, the verifier is not sent again (the
    // provider would revoke the grant on a second use of the code), the sign-in stays connected.
    expect(await callback(query)).toBe('/accounts/new?oauth=invalid');
    expect(seen.grants.filter((g) => g === 'authorization_code').length).toBe(exchanges);
    expect(mock.oauth.grants({ identity: 'bob@oauth.mock.test' })).toEqual([
      expect.objectContaining({ revokedAt: null }),
    ]);
    const view = await target.admin.call('GET', `/api/v1/oauth/authorizations/${started.id}`);
    expect(view.body).toMatchObject({ status: 'connected', identity: 'bob@oauth.mock.test' });
    // Nothing of the verifier or the state is kept once used.
    const [row] = rowsOf(
      await target.running.base.db.execute(
        sql`select state_hash, secrets from oauth_authorizations where id = ${started.id}`,
      ),
    );
    expect(row?.state_hash).toBeNull();
    expect(Object.keys((row?.secrets ?? {}) as object)).not.toContain('verifier');
    // A made-up state too; the Main Log says why.
    expect(await callback(new URLSearchParams({ code: 'x', state: 'made-up' }))).toBe(
      '/accounts/new?oauth=invalid',
    );
    const logs = await target.admin.call('GET', '/api/v1/logs?pageSize=100');
    expect(logs.text).toContain('OAuth2 callback refused: its state matches no pending sign-in');
  });

  it('a state older than its 10 minutes is refused as expired and its code is never exchanged', async () => {
    const started = await startCode();
    const query = await consent(started.authorizationUrl, 'carol@oauth.mock.test');
    // Ten minutes pass (the row's expiry moved, rather than the test waiting).
    await target.running.base.db.execute(
      sql`update oauth_authorizations set expires_at = now() - interval '1 second' where id = ${started.id}`,
    );
    const exchanges = seen.grants.filter((g) => g === 'authorization_code').length;
    expect(await callback(query)).toBe(`/accounts/new?oauth=expired&authorization=${started.id}`);
    expect(seen.grants.filter((g) => g === 'authorization_code').length).toBe(exchanges);
    expect(mock.oauth.grants({ identity: 'carol@oauth.mock.test' })).toEqual([]);
    const view = await target.admin.call('GET', `/api/v1/oauth/authorizations/${started.id}`);
    expect(view.body).toMatchObject({ status: 'expired', identity: null });
    const [row] = rowsOf(
      await target.running.base.db.execute(
        sql`select secrets from oauth_authorizations where id = ${started.id}`,
      ),
    );
    expect(row?.secrets).toEqual({});
    // And it stays refused.
    expect(await callback(query)).toBe('/accounts/new?oauth=invalid');
    // An account cannot be made from it.
    const refused = await target.admin.call('POST', '/api/v1/accounts', {
      name: 'From an expired sign-in',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: mock.smtpPort,
        security: 'none',
        from: { address: 'carol@oauth.mock.test' },
        auth: {
          method: 'oauth2',
          username: 'carol@oauth.mock.test',
          clientId: CLIENT_ID,
          tokenUrl: `${mock.httpUrl}/oauth/token`,
        },
      },
      oauthAuthorizationId: started.id,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ path: 'oauthAuthorizationId' });
  });
});
