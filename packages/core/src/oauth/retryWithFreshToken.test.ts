// "A refresh on expiry and once on an authentication failure": the provider ended the access tokens before
// their `expires_in` (the mock's "expire tokens" control); the connection test and the fetch drop the cached
// token, refresh and try once more, instead of failing on a token Mailroom still thought good.
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { getAccount } from '../accounts/getAccount';
import { testAccount } from '../connection/testAccount';
import { fetchAccount } from '../incoming/fetchAccount';
import { sendMessage } from '../outbox/sendMessage';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { accountAccessToken, refreshStats } from './accessTokens';
import { completeCallback } from './completeCallback';
import { endpointsFromMetadata } from './providers';
import { startAuthorization } from './startAuthorization';
import { consent } from './testkit';

const PUBLIC = 'http://127.0.0.1:3999';

describe.each(backends)('a refused OAuth2 token is refreshed once (%s)', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  let endpoints: ReturnType<typeof endpointsFromMetadata>;

  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: 0,
      imapPort: 0,
      imapsPort: false,
      oauth: { domains: ['oauth.mock.test'] },
    });
    const meta = (await (
      await fetch(`${mock.httpUrl}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    endpoints = endpointsFromMetadata(meta, ['https://mail.google.com/', 'email']);
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  /** An account signing in to the mock's SMTP and `protocol` with OAuth2, connected as `email`. */
  async function connected(email: string, protocol: 'imap' | 'pop3') {
    const started = await startAuthorization({
      ctx: env.ctx,
      input: { endpoints, clientId: 'mailroom', flow: 'code' },
      options: { publicUrl: PUBLIC },
    });
    if (started.flow !== 'code') throw new Error('expected a code flow');
    await completeCallback({
      ctx: env.ctx,
      input: await consent(mock.httpUrl, started.authorizationUrl, email),
    });
    const auth = {
      method: 'oauth2',
      username: email,
      clientId: 'mailroom',
      tokenUrl: endpoints.tokenEndpoint,
    };
    return createAccount({
      ctx: env.ctx,
      input: {
        name: `Refused token ${email}`,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          from: { address: email },
          auth,
        },
        incoming: {
          protocol,
          host: '127.0.0.1',
          port: protocol === 'imap' ? mock.imapPort : mock.pop3Port,
          security: 'none',
          auth,
        },
        oauthAuthorizationId: started.id,
      },
    });
  }

  it.each(['imap', 'pop3'] as const)(
    'connection tests and a %s fetch pass after the provider expired the tokens, with one refresh each',
    async (protocol) => {
      const email = `${protocol}-${backend}@oauth.mock.test`;
      const account = await connected(email, protocol);
      const first = await testAccount({ ctx: env.ctx, id: account.id, input: { direction: 'outgoing' } });
      expect(first.ok).toBe(true);
      const cached = await accountAccessToken(env.ctx, account.id, 'outgoing');

      // The provider ends every access token it gave: Mailroom's cached one still looks good for an hour.
      expect(mock.oauth.expireAccessTokens({ identity: email })).toBeGreaterThan(0);
      const before = refreshStats.requests;
      const outgoing = await testAccount({ ctx: env.ctx, id: account.id, input: { direction: 'outgoing' } });
      expect(outgoing.ok, JSON.stringify(outgoing.error)).toBe(true);
      expect(refreshStats.requests - before).toBe(1);
      expect((await accountAccessToken(env.ctx, account.id, 'outgoing')).accessToken).not.toBe(
        cached.accessToken,
      );

      mock.oauth.expireAccessTokens({ identity: email });
      const incoming = await testAccount({ ctx: env.ctx, id: account.id, input: { direction: 'incoming' } });
      expect(incoming.ok, JSON.stringify(incoming.error)).toBe(true);
      expect(refreshStats.requests - before).toBe(2);

      mock.oauth.expireAccessTokens({ identity: email });
      const fetched = await fetchAccount({ ctx: env.ctx, id: account.id });
      expect(fetched.error).toBeUndefined();
      expect(refreshStats.requests - before).toBe(3);
      expect((await getAccount({ ctx: env.ctx, id: account.id })).health).not.toBe('auth_failed');
    },
  );

  it('retries once only: a token refused again is the answer', async () => {
    const email = `twice-${backend}@oauth.mock.test`;
    const account = await connected(email, 'imap');
    expect((await testAccount({ ctx: env.ctx, id: account.id, input: { direction: 'outgoing' } })).ok).toBe(
      true,
    );
    // Every token the mock hands out is refused by its SMTP from now on.
    mock.faults.set([{ stage: 'auth', code: 535, count: 10 }]);
    try {
      const before = refreshStats.requests;
      const refused = await testAccount({ ctx: env.ctx, id: account.id, input: { direction: 'outgoing' } });
      expect(refused.ok).toBe(false);
      expect(refused.error?.code).toBe('auth');
      expect(refreshStats.requests - before).toBe(1);
    } finally {
      mock.faults.clear();
    }
  });

  it('a send on a new connection after the provider expired the tokens: one refresh, sent', async () => {
    const email = `send-${backend}@oauth.mock.test`;
    const account = await connected(email, 'imap');
    const send = (subject: string) =>
      sendMessage({
        ctx: env.ctx,
        input: { accountId: account.id, to: ['dora@example.org'], subject, text: 'x', mode: 'immediate' },
      });
    expect((await send(`Before ${backend}`)).message.status).toBe('sent');
    // A new connection signs in again (the pooled one would go on: sessions outlive tokens).
    await env.ctx.outbox.transports.close();
    mock.oauth.expireAccessTokens({ identity: email });
    const before = refreshStats.requests;
    const after = await send(`After expiry ${backend}`);
    expect(after.message.status).toBe('sent');
    expect(refreshStats.requests - before).toBe(1);
  });
});
