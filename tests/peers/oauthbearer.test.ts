import { createAccount, fetchAccount, runConnectionTest } from '@mailroom/core';
import { createTestEnv, type TestEnv } from '@mailroom/core/testing';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, dovecotInstalled, startDovecot } from './dovecot';

const installed = dovecotInstalled();
if (!installed && process.env.CI)
  throw new Error('dovecot is not installed (/usr/sbin/dovecot); CI runs the real-peer tests');

// XOAUTH2 and OAUTHBEARER against a real Dovecot with an OAuth2 passdb: Dovecot checks each token
// at the mock provider's userinfo endpoint (introspection by Bearer), so only tokens the mock
// issued for the user pass; Dovecot 2.3 answers an unknown token (a 401 from userinfo) with a
// temporary failure, not with the error challenge the mock sends (the mock's tests cover that exchange).

const USER = 'ann@oauth.mock.test';

describe.skipIf(!installed)('OAuth2 sign-in to a real Dovecot', { timeout: 60_000 }, () => {
  let dovecot: Dovecot;
  let mock: MockMailServer;
  let env: TestEnv;
  beforeAll(async () => {
    mock = await startMockMailServer({
      smtpPort: false,
      smtpsPort: false,
      imapPort: false,
      imapsPort: false,
      pop3Port: false,
      oauth: { domains: ['oauth.mock.test'] },
    });
    dovecot = await startDovecot({
      messages: 2,
      user: USER,
      oauth2UserinfoUrl: `${mock.httpUrl}/oauth/userinfo`,
    });
    env = await createTestEnv('pglite', {
      timeouts: { connectMs: 5000, greetingMs: 5000, commandMs: 10_000 },
    });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await dovecot?.stop();
    await mock?.close();
  });

  let n = 0;
  const account = (protocol: 'imap' | 'pop3', mechanism: string, refreshToken?: string) =>
    createAccount({
      ctx: env.ctx,
      input: {
        name: `Dovecot ${protocol} ${mechanism} ${++n}`,
        incoming: {
          protocol,
          host: 'localhost',
          port: protocol === 'imap' ? dovecot.imapPort : dovecot.pop3Port,
          security: 'starttls',
          allowInvalidCertificates: true,
          afterFetch: 'keep',
          auth: {
            method: 'oauth2',
            username: USER,
            clientId: 'mock-client',
            tokenUrl: `${mock.httpUrl}/oauth/token`,
            refreshToken: refreshToken ?? mock.oauth.grant({ identity: USER }).refresh_token,
            mechanism,
          },
        },
      },
    });

  it.each([
    ['imap', 'oauthbearer'],
    ['imap', 'xoauth2'],
    ['pop3', 'oauthbearer'],
    ['pop3', 'xoauth2'],
  ] as const)('fetches over %s with %s', async (protocol, mechanism) => {
    const acc = await account(protocol, mechanism);
    const r = await fetchAccount({ ctx: env.ctx, id: acc.id });
    expect(r.error, dovecot.log().slice(-2000)).toBeUndefined();
    expect(r.fetched).toBe(2);
  });

  it.each([
    ['imap', 'oauthbearer'],
    ['pop3', 'oauthbearer'],
    ['imap', 'xoauth2'],
  ] as const)(
    'a token the provider does not know, over %s with %s: refused (Dovecot 2.3 answers a 401 from its introspection as a temporary failure), class auth, no token shown',
    async (protocol, mechanism) => {
      const token = `ya29.unknown-${protocol}-${mechanism}-0123456789`;
      const { result, transcript } = await runConnectionTest(
        'incoming',
        {
          protocol,
          host: 'localhost',
          port: protocol === 'imap' ? dovecot.imapPort : dovecot.pop3Port,
          security: 'starttls',
          allowInvalidCertificates: true,
          auth: {
            method: 'oauth2',
            username: USER,
            clientId: 'mock-client',
            tokenUrl: `${mock.httpUrl}/oauth/token`,
            refreshToken: 'unused',
            mechanism,
          },
        } as never,
        {
          config: {
            allowPrivateHosts: true,
            timeouts: { connectMs: 5000, greetingMs: 5000, commandMs: 10_000 },
          },
          secrets: [],
          accessToken: async () => token,
        },
      );
      expect(result.error?.code, transcript.join('\n')).toBe('auth');
      expect(result.steps.find((s) => s.step === 'authenticate')?.detail).toMatchObject({
        mechanism: mechanism.toUpperCase(),
      });
      expect(JSON.stringify({ result, transcript })).not.toContain(token);
    },
  );
});
