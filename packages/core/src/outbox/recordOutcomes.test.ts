import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { getAccount } from '../accounts/getAccount';
import { logs } from '../db/schema';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { getMessage } from './getMessage';
import { sendMessage } from './sendMessage';
import { fastPolicy, runUntilStatus, undelivered } from './testkit';

const PASSWORD = 'Zq8Kv3-s3cr3t-pw';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe.each(backends)('recorded outcomes are redacted on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      httpPort: false,
      users: { 'echo@example.com': PASSWORD },
    });
  });
  afterEach(async () => {
    await mock.reset();
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  let n = 0;
  async function echoAccount() {
    n += 1;
    return createAccount({
      ctx: env.ctx,
      input: {
        name: `Echo ${n} ${backend}`,
        debug: true,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          auth: { method: 'password', username: 'echo@example.com', password: PASSWORD },
          from: { address: 'echo@example.com' },
        },
      },
    });
  }

  /** A server that repeats the credentials in its refusal: clear, the PLAIN payload, and the password's base64. */
  const echo = `No ${PASSWORD} here (${b64(`\0echo@example.com\0${PASSWORD}`)} ${b64(PASSWORD)})`;

  async function everythingAbout(accountId: string, messageId: string) {
    const message = await getMessage({ ctx: env.ctx, id: messageId });
    const account = await getAccount({ ctx: env.ctx, id: accountId });
    const rows = await env.database.db.select().from(logs).where(eq(logs.accountId, accountId));
    return JSON.stringify({ message, account, rows });
  }

  function expectNoSecret(text: string) {
    for (const form of [
      PASSWORD,
      PASSWORD.slice(0, 6),
      b64(PASSWORD),
      b64(`\0echo@example.com\0${PASSWORD}`),
    ]) {
      expect(text).not.toContain(form);
    }
  }

  it('an immediate send: the error, the reply of each recipient and attempt, the log rows', async () => {
    const account = await echoAccount();
    mock.faults.set([{ stage: 'rcpt', code: 550, message: echo }]);
    const err = await undelivered(
      sendMessage({
        ctx: env.ctx,
        input: {
          accountId: account.id,
          to: ['a@example.org', 'b@example.org'],
          subject: 'x',
          text: 'x',
          mode: 'immediate',
        },
      }),
    );
    expect(err.code).toBe('delivery_failed');
    expectNoSecret(JSON.stringify({ message: err.message, extra: err.extra }));
    const all = await everythingAbout(account.id, String(err.extra?.messageId));
    expect(all).toContain('No ***** here');
    expectNoSecret(all);
  });

  it("a failed TLS handshake: OpenSSL's line, kept as the last error's detail, is redacted like the message", async () => {
    // Implicit TLS to the plain SMTP port: OpenSSL says "…:SSL routines:ssl3_get_record:wrong version
    // number:…", and the password here is a word of that line.
    const secret = 'ssl3_get_record';
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: `TLS ${backend}`,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'tls',
          auth: { method: 'password', username: 'echo@example.com', password: secret },
          from: { address: 'echo@example.com' },
        },
      },
    });
    const err = await undelivered(
      sendMessage({
        ctx: env.ctx,
        input: { accountId: account.id, to: ['a@example.org'], subject: 'x', text: 'x', mode: 'immediate' },
      }),
    );
    const messageId = String(err.extra?.messageId);
    const detail = expect.stringMatching(/SSL routines:\*+:wrong version number/);
    expect((await getMessage({ ctx: env.ctx, id: messageId })).lastError).toMatchObject({
      code: 'tls',
      message: expect.stringMatching(/^The server did not answer in TLS/),
      detail,
    });
    expect((await getAccount({ ctx: env.ctx, id: account.id })).sending?.lastFailed).toMatchObject({
      errorCode: 'tls',
      detail,
    });
    expect(await everythingAbout(account.id, messageId)).not.toContain(secret);
  });

  it('a queued send delivered by the worker (the group commit path), failing until it is given up', async () => {
    const account = await echoAccount();
    mock.faults.set([{ stage: 'rcpt', code: 451, message: echo }]);
    const res = await sendMessage({
      ctx: env.ctx,
      input: { accountId: account.id, to: ['a@example.org'], subject: 'y', text: 'y' },
    });
    const done = await runUntilStatus(env, res.message.id, ['failed', 'sent'], {
      ...fastPolicy,
      maxAttempts: 2,
    });
    expect(done.status).toBe('failed');
    expect(done.attempts).toHaveLength(2);
    const all = await everythingAbout(account.id, res.message.id);
    expect(all).toContain('No ***** here');
    expectNoSecret(all);
  });
});
