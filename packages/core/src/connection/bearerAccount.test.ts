import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { updateAccount } from '../accounts/updateAccount';
import { logs } from '../db/schema';
import { fetchAccount } from '../incoming/fetchAccount';
import { getMessage } from '../outbox/getMessage';
import { sendMessage } from '../outbox/sendMessage';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { testAccount } from './testAccount';

// The SASL mechanism setting of a saved account, through storage: shown in the view, used by the
// connection test, the send and the fetch, changed by a PATCH. The mock offers only OAUTHBEARER, so
// a sign-in that succeeds used it, and one that asks for XOAUTH2 is refused.

describe.each(backends)('an OAuth2 account signing in with OAUTHBEARER (%s)', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv(backend, {
      timeouts: { connectMs: 10_000, greetingMs: 10_000, commandMs: 10_000 },
    });
    mock = await startMockMailServer({
      smtpsPort: false,
      imapPort: false,
      imapsPort: false,
      oauth: { domains: ['oauth.mock.test'], mechanisms: ['OAUTHBEARER'] },
    });
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  it('tests, sends and fetches with auto and oauthbearer; xoauth2 is refused as auth', async () => {
    const identity = `bearer-${backend}@oauth.mock.test`;
    // A grant per part: refresh tokens rotate, and each part keeps its own.
    const auth = (mechanism: string) => ({
      method: 'oauth2',
      username: identity,
      clientId: 'mock-client',
      tokenUrl: `${mock.httpUrl}/oauth/token`,
      refreshToken: mock.oauth.grant({ identity }).refresh_token,
      mechanism,
    });
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: `OAUTHBEARER ${backend}`,
        // Transcripts of every send and fetch go to the Main Log: they must carry no token.
        debug: true,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          from: { address: identity },
          auth: auth('auto'),
        },
        incoming: {
          protocol: 'pop3',
          host: '127.0.0.1',
          port: mock.pop3Port,
          security: 'none',
          auth: auth('oauthbearer'),
        },
      },
    });
    expect(account.outgoing).toMatchObject({ auth: { method: 'oauth2', mechanism: 'auto' } });
    expect(account.incoming).toMatchObject({ auth: { method: 'oauth2', mechanism: 'oauthbearer' } });

    for (const direction of ['outgoing', 'incoming'] as const) {
      const result = await testAccount({ ctx: env.ctx, id: account.id, input: { direction } });
      expect(result.error).toBeUndefined();
      expect(result.steps.find((s) => s.step === 'authenticate')?.detail).toMatchObject({
        mechanism: 'OAUTHBEARER',
      });
    }

    const sent = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        to: ['dora@example.org'],
        subject: `Bearer ${backend}`,
        text: 'Hi',
        mode: 'immediate',
      },
    });
    expect(sent.message.status).toBe('sent');
    expect(mock.messages({ subject: `Bearer ${backend}` })).toMatchObject([{ authUser: identity }]);

    // The server ends the cached token early: the 334 error challenge is answered (^A), the token
    // renewed once, and the send goes out.
    mock.oauth.expireAccessTokens({ identity });
    const renewed = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        to: ['dora@example.org'],
        subject: `Renewed ${backend}`,
        text: 'Hi',
        mode: 'immediate',
      },
    });
    expect(renewed.message.status).toBe('sent');

    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
    await t.sendMail({ from: 'customer@example.net', to: identity, subject: 'To fetch', text: 'Hi' });
    t.close();
    expect(await fetchAccount({ ctx: env.ctx, id: account.id })).toMatchObject({ fetched: 1 });

    // Forced XOAUTH2 on a server that offers only OAUTHBEARER: refused, in class auth.
    const changed = await updateAccount({
      ctx: env.ctx,
      id: account.id,
      input: { outgoing: { auth: { mechanism: 'xoauth2' } } },
    });
    expect(changed.outgoing).toMatchObject({ auth: { mechanism: 'xoauth2' } });
    const test = await testAccount({ ctx: env.ctx, id: account.id, input: { direction: 'outgoing' } });
    expect(test.error).toMatchObject({ code: 'auth', message: expect.stringContaining('XOAUTH2') });
    const refused = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        to: ['dora@example.org'],
        subject: 'Refused',
        text: 'Hi',
        mode: 'immediate',
      },
    });
    expect((await getMessage({ ctx: env.ctx, id: refused.message.id })).lastError?.code).toBe('auth');

    // Nothing in the Main Log carries a token: not the mock's tokens (ya29.…), not a SASL message.
    const rows = await env.ctx.db.select().from(logs).where(eq(logs.accountId, account.id));
    const text = JSON.stringify(rows);
    expect(text).toContain('OAUTHBEARER');
    expect(text).not.toContain('ya29.');
    const sasl = (text.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? []).filter((b) =>
      Buffer.from(b, 'base64').toString('latin1').includes('auth=Bearer'),
    );
    expect(sasl).toEqual([]);
  });
});
