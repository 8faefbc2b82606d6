import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { getAccount } from '../accounts/getAccount';
import { accountEvents, logs, oauthAuthorizations } from '../db/schema';
import { MailroomError } from '../errors';
import { getMessage } from '../outbox/getMessage';
import { sendMessage } from '../outbox/sendMessage';
import { startWorker } from '../outbox/startWorker';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { accountAccessToken, OAuthRevoked, refreshStats } from './accessTokens';
import { completeCallback } from './completeCallback';
import { getAuthorization } from './getAuthorization';
import { endpointsFromMetadata } from './providers';
import { startAuthorization } from './startAuthorization';

const PUBLIC = 'http://127.0.0.1:3999';
const SCOPES = ['https://mail.google.com/', 'email'];

/** A settable clock for the mock's provider: it moves only when a test (or the fake sleep) moves it. */
const clock = { now: Date.parse('2026-01-01T00:00:00Z') };

describe.each(backends)('OAuth2 connect and tokens (%s)', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  let endpoints: ReturnType<typeof endpointsFromMetadata>;

  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      imapPort: false,
      imapsPort: false,
      oauth: { domains: ['oauth.mock.test'], clock: () => clock.now, deviceCodeTtlSeconds: 60 },
    });
    const meta = (await (
      await fetch(`${mock.httpUrl}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    endpoints = endpointsFromMetadata(meta, SCOPES);
  });
  afterEach(() => mock.faults.clear());
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  let n = 0;
  const oauthAccount = async () =>
    createAccount({
      ctx: env.ctx,
      input: {
        name: `OAuth ${backend} ${++n}`,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          from: { address: 'ann@oauth.mock.test' },
          auth: {
            method: 'oauth2',
            username: 'someone',
            clientId: 'mailroom',
            tokenUrl: endpoints.tokenEndpoint,
            refreshToken: 'not-yet-connected',
          },
        },
      },
    });

  /** The consent page, approved as `email` (what a person does in the browser), → the callback's query. */
  async function consent(authorizationUrl: string, email: string, decision = 'approve') {
    const page = await fetch(authorizationUrl, { redirect: 'manual' });
    const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const answer = await fetch(`${mock.httpUrl}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ nonce, email, decision }).toString(),
    });
    const location = new URL(answer.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${PUBLIC}/api/v1/oauth/callback`);
    return Object.fromEntries(location.searchParams) as { code?: string; state?: string; error?: string };
  }

  async function connectByCode(accountId: string, email: string) {
    const started = await startAuthorization({
      ctx: env.ctx,
      input: { endpoints, clientId: 'mailroom', flow: 'code', accountId },
      options: { publicUrl: PUBLIC },
    });
    if (started.flow !== 'code') throw new Error('expected a code flow');
    const query = await consent(started.authorizationUrl, email);
    return { started, query, result: await completeCallback({ ctx: env.ctx, input: query }) };
  }

  it('code flow: PKCE + state, consent, the code exchanged; identity becomes the username; state single use', async () => {
    const account = await oauthAccount();
    const { started, query, result } = await connectByCode(account.id, 'ann@oauth.mock.test');
    const url = new URL(started.flow === 'code' ? started.authorizationUrl : '');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result).toEqual({ result: 'connected', authorizationId: started.id, accountId: account.id });

    const view = await getAuthorization({ ctx: env.ctx, id: started.id });
    expect(view).toMatchObject({
      status: 'connected',
      identity: 'ann@oauth.mock.test',
      accountId: account.id,
    });
    const got = await getAccount({ ctx: env.ctx, id: account.id });
    expect((got.outgoing as { auth?: unknown } | null)?.auth).toMatchObject({
      method: 'oauth2',
      username: 'ann@oauth.mock.test',
      hasToken: true,
    });

    // Neither the state nor the verifier is kept in clear; the verifier is gone once used.
    const [row] = await env.ctx.db
      .select()
      .from(oauthAuthorizations)
      .where(eq(oauthAuthorizations.id, started.id));
    expect(row?.stateHash).toBeNull();
    expect(JSON.stringify(row)).not.toContain(query.state);
    expect(row?.secrets).toEqual({});

    // A replayed callback finds nothing; a made-up state neither.
    expect((await completeCallback({ ctx: env.ctx, input: query })).result).toBe('invalid');
    expect((await completeCallback({ ctx: env.ctx, input: { code: 'x', state: 'forged' } })).result).toBe(
      'invalid',
    );
  });

  it('a state older than 10 minutes is refused as expired; a denial is denied', async () => {
    const account = await oauthAccount();
    const started = await startAuthorization({
      ctx: env.ctx,
      input: { endpoints, clientId: 'mailroom', flow: 'code', accountId: account.id },
      options: { publicUrl: PUBLIC },
    });
    const query = await consent(
      started.flow === 'code' ? started.authorizationUrl : '',
      'ann@oauth.mock.test',
    );
    const late = { ...env.ctx, now: () => new Date(Date.now() + 11 * 60_000) };
    expect((await completeCallback({ ctx: late, input: query })).result).toBe('expired');
    expect((await getAuthorization({ ctx: env.ctx, id: started.id })).status).toBe('expired');

    const again = await startAuthorization({
      ctx: env.ctx,
      input: { endpoints, clientId: 'mailroom', flow: 'code', accountId: account.id },
      options: { publicUrl: PUBLIC },
    });
    const no = await consent(
      again.flow === 'code' ? again.authorizationUrl : '',
      'ann@oauth.mock.test',
      'deny',
    );
    expect((await completeCallback({ ctx: env.ctx, input: no })).result).toBe('denied');
  });

  it('the code flow without MAILROOM_PUBLIC_URL is a 400 naming it; endpoints must be https (loopback http only when allowed)', async () => {
    const err = await startAuthorization({
      ctx: env.ctx,
      input: { endpoints, clientId: 'mailroom', flow: 'code' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailroomError);
    expect((err as MailroomError).message).toContain('MAILROOM_PUBLIC_URL');
    const strict = { ...env.ctx, config: { ...env.ctx.config, allowPrivateHosts: false } };
    const refused = await startAuthorization({
      ctx: strict,
      input: { endpoints, clientId: 'mailroom', flow: 'code' },
      options: { publicUrl: PUBLIC },
    }).catch((e: unknown) => e);
    expect((refused as MailroomError).errors?.[0]?.path).toBe('endpoints.tokenEndpoint');
    const plain = await startAuthorization({
      ctx: env.ctx,
      input: {
        endpoints: { ...endpoints, authorizationEndpoint: 'http://login.example.com/authorize' },
        clientId: 'mailroom',
        flow: 'code',
      },
      options: { publicUrl: PUBLIC },
    }).catch((e: unknown) => e);
    expect((plain as MailroomError).errors?.[0]?.path).toBe('endpoints.authorizationEndpoint');
  });

  /** The device poller's sleep: waits for the test to let it go, and moves the mock's clock by what it slept. */
  function fakeSleep() {
    const asked: number[] = [];
    const waiting: Array<() => void> = [];
    let notify: (() => void) | null = null;
    let poll: Promise<void> = Promise.resolve();
    let done = false;
    const settle = async () => {
      for (let i = 0; i < 10_000 && !waiting.length && !done; i++)
        await new Promise<void>((ok) => (notify = ok));
    };
    return {
      asked,
      get done() {
        return done;
      },
      sleep: (ms: number) =>
        new Promise<void>((ok) => {
          asked.push(ms);
          waiting.push(() => {
            clock.now += ms;
            ok();
          });
          notify?.();
        }),
      onPoll: (p: Promise<void>) => {
        done = false;
        poll = p.then(() => {
          done = true;
          notify?.();
        });
      },
      /** Lets the sleeping poller poll once, and waits until it sleeps again or ends. */
      async step() {
        await settle();
        waiting.shift()?.();
        await settle();
      },
      end: () => poll,
    };
  }

  async function devicePage(userCode: string, decision: string) {
    const page = await fetch(`${mock.httpUrl}/oauth/device?user_code=${userCode}`);
    const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    await fetch(`${mock.httpUrl}/oauth/device`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ nonce, email: 'bob@oauth.mock.test', decision }).toString(),
    });
  }

  it('device flow: authorization_pending → slow_down (+5 s) → approved; the account is connected', async () => {
    const account = await oauthAccount();
    const fake = fakeSleep();
    const started = await startAuthorization({
      ctx: env.ctx,
      input: { endpoints, clientId: 'mailroom', flow: 'device', accountId: account.id },
      options: { sleep: fake.sleep, onPoll: fake.onPoll },
    });
    if (started.flow !== 'device') throw new Error('expected a device flow');
    expect(started).toMatchObject({ interval: 5, expiresIn: 60 });
    expect(started.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    await fake.step(); // authorization_pending
    mock.faults.set([
      { stage: 'oauth-token', match: '*device_code', code: 400, errorType: 'slow_down', count: 1 },
    ]);
    await fake.step(); // slow_down
    await fake.step(); // pending again, after 10 s
    // The first wait, then after pending 5 s, after slow_down 10 s, and it stays 10 s.
    expect(fake.asked).toEqual([5000, 5000, 10000, 10000]);
    await devicePage(started.userCode, 'approve');
    await fake.step();
    await fake.end();
    expect(await getAuthorization({ ctx: env.ctx, id: started.id })).toMatchObject({
      status: 'connected',
      identity: 'bob@oauth.mock.test',
    });
    const got = await getAccount({ ctx: env.ctx, id: account.id });
    expect((got.outgoing as { auth?: unknown } | null)?.auth).toMatchObject({
      username: 'bob@oauth.mock.test',
      hasToken: true,
    });
  });

  it('device flow: denied, and expired when nobody approves in time', async () => {
    const fake = fakeSleep();
    const denied = await startAuthorization({
      ctx: env.ctx,
      input: { endpoints, clientId: 'mailroom', flow: 'device' },
      options: { sleep: fake.sleep, onPoll: fake.onPoll },
    });
    if (denied.flow !== 'device') throw new Error('expected a device flow');
    await devicePage(denied.userCode, 'deny');
    await fake.step();
    await fake.end();
    expect((await getAuthorization({ ctx: env.ctx, id: denied.id })).status).toBe('denied');

    const late = await startAuthorization({
      ctx: env.ctx,
      input: { endpoints, clientId: 'mailroom', flow: 'device' },
      options: { sleep: fake.sleep, onPoll: fake.onPoll },
    });
    // 60 s of 5 s polls: the mock answers expired_token on the 12th.
    for (let i = 0; i < 20 && !fake.done; i++) await fake.step();
    await fake.end();
    expect((await getAuthorization({ ctx: env.ctx, id: late.id })).status).toBe('expired');
  });

  it('tokens: cached, one refresh for concurrent callers, rotation saved; invalid_grant → auth_failed, timeline, Main Log', async () => {
    const account = await oauthAccount();
    await connectByCode(account.id, 'cy@oauth.mock.test');
    const before = refreshStats.requests;
    const [a, b] = await Promise.all([
      accountAccessToken(env.ctx, account.id, 'outgoing'),
      accountAccessToken(env.ctx, account.id, 'outgoing'),
    ]);
    expect(a.accessToken).toBe(b.accessToken);
    expect(refreshStats.requests - before).toBe(1);
    // Renewed after a refusal: the rotated refresh token, saved, works (presenting the old one would end the grant).
    const renewed = await accountAccessToken(env.ctx, account.id, 'outgoing', {
      renew: true,
      refused: a.accessToken,
    });
    expect(renewed.accessToken).not.toBe(a.accessToken);
    const grant = mock.oauth.grants({ identity: 'cy@oauth.mock.test' })[0];
    expect(grant).toMatchObject({ refreshTokens: 3, revokedAt: null });

    mock.oauth.revoke({ identity: 'cy@oauth.mock.test' });
    const err = await accountAccessToken(env.ctx, account.id, 'outgoing', { renew: true }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OAuthRevoked);
    const got = await getAccount({ ctx: env.ctx, id: account.id });
    expect(got.health).toBe('auth_failed');
    const events = await env.ctx.db
      .select()
      .from(accountEvents)
      .where(and(eq(accountEvents.accountId, account.id), eq(accountEvents.type, 'oauth_revoked')));
    expect(events).toHaveLength(1);
    const errors = await env.ctx.db
      .select()
      .from(logs)
      .where(and(eq(logs.accountId, account.id), eq(logs.level, 'error')));
    expect(errors.some((l) => l.message.includes('needs a reconnect'))).toBe(true);

    // Reconnecting clears auth_failed.
    await connectByCode(account.id, 'cy@oauth.mock.test');
    expect((await getAccount({ ctx: env.ctx, id: account.id })).health).not.toBe('auth_failed');
  });

  it('sends with XOAUTH2; after a revoke the send is deferred (awaiting reconnect), and a reconnect delivers it', async () => {
    const account = await oauthAccount();
    await connectByCode(account.id, 'ann@oauth.mock.test');
    const input = (subject: string) => ({
      accountId: account.id,
      to: ['dora@example.org'],
      subject,
      text: 'Hello',
      mode: 'immediate' as const,
    });
    const first = await sendMessage({ ctx: env.ctx, input: input(`Token ${backend}`) });
    expect(first.message.status).toBe('sent');

    mock.oauth.revoke({ identity: 'ann@oauth.mock.test' });
    const second = await sendMessage({ ctx: env.ctx, input: input(`Waits ${backend}`) });
    expect(second.message.status).toBe('deferred');
    const held = await getMessage({ ctx: env.ctx, id: second.message.id });
    expect(held.lastError?.code).toBe('auth');
    // A long wait, not the usual 30 s backoff.
    expect(new Date(held.nextAttemptAt ?? 0).getTime() - Date.now()).toBeGreaterThan(3600_000);
    expect((await getAccount({ ctx: env.ctx, id: account.id })).health).toBe('auth_failed');

    const worker = startWorker({ base: env.base, pollMs: 50 });
    try {
      const after = mock.cursor();
      await connectByCode(account.id, 'ann@oauth.mock.test');
      const delivered = await mock.waitFor({ subject: `Waits ${backend}`, after, timeoutMs: 20_000 });
      expect(delivered).toBeTruthy();
    } finally {
      await worker.stop();
    }
  });
});
