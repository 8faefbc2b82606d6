import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../accounts/createAccount';
import { testAccount } from '../../connection/testAccount';
import { testConnection } from '../../connection/testConnection';
import * as tables from '../../db/schema';
import { getMessage } from '../../outbox/getMessage';
import { sendMessage } from '../../outbox/sendMessage';
import { undelivered } from '../../outbox/testkit';
import { createTestEnv, type TestEnv } from '../../testing';

const KEY_ID = 'AKIAMAILROOMTEST';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';

describe('the Amazon SES transport, against the mock mail server', () => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv('pglite');
    mock = await startMockMailServer({
      smtpPort: false,
      smtpsPort: false,
      pop3Port: false,
      httpPort: 0,
      sesCredentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
    });
  });
  afterEach(() => {
    mock.faults.set([]);
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  let n = 0;
  const ses = (over: Record<string, unknown> = {}) =>
    createAccount({
      ctx: env.ctx,
      input: {
        name: `SES ${++n}`,
        outgoing: {
          transport: 'ses',
          region: 'eu-west-1',
          accessKeyId: KEY_ID,
          secretAccessKey: SECRET,
          endpoint: `${mock.httpUrl}/ses`,
          from: { address: 'news@example.com', name: 'News' },
          sendMode: 'immediate',
          ...over,
        },
      },
    });
  const send = (accountId: string, extra: Record<string, unknown> = {}) =>
    sendMessage({
      ctx: env.ctx,
      input: { accountId, to: ['reader@example.org'], subject: `SES ${n}`, text: 'hello', ...extra },
    });

  /** Everything Mailroom stored, as one string: accounts, events, messages, attempts, the Main Log. */
  async function everythingStored(): Promise<string> {
    const db = env.database.db;
    const rows = await Promise.all([
      db.select().from(tables.accounts),
      db.select().from(tables.accountEvents),
      db.select().from(tables.messages),
      db.select().from(tables.messageAttempts),
      db.select().from(tables.logs),
    ]);
    return JSON.stringify(rows);
  }

  it('keeps the secret access key write-only: a has* flag in the view, encrypted at rest', async () => {
    const account = await ses({ configurationSetName: 'marketing' });
    expect(account.outgoing).toMatchObject({
      transport: 'ses',
      region: 'eu-west-1',
      accessKeyId: KEY_ID,
      hasSecretAccessKey: true,
      configurationSetName: 'marketing',
    });
    expect(JSON.stringify(account)).not.toContain(SECRET);
    expect(await everythingStored()).not.toContain(SECRET);
  });

  it('sends the message as raw MIME, signed, with the envelope of the attempt', async () => {
    const account = await ses({ configurationSetName: 'marketing' });
    const res = await send(account.id, {
      cc: ['copy@example.org'],
      bcc: ['hidden@example.org'],
      headers: { 'X-Campaign': 'spring' },
      attachments: [
        {
          filename: 'n.txt',
          contentType: 'text/plain',
          contentBase64: Buffer.from('note').toString('base64'),
        },
      ],
    });
    expect(res.outcome).toBe('sent');
    const got = await mock.waitFor({ subject: `SES ${n}`, timeoutMs: 5000 });
    expect(got.transport).toBe('ses');
    // The signature was checked against the key pair: the mock names who signed.
    expect(got.authUser).toBe(KEY_ID);
    expect(got.ses).toMatchObject({ content: 'raw', region: 'eu-west-1', configurationSetName: 'marketing' });
    expect(got.envelope.mailFrom).toBe('news@example.com');
    expect([...got.envelope.rcptTo].sort()).toEqual([
      'copy@example.org',
      'hidden@example.org',
      'reader@example.org',
    ]);
    // The MIME is nodemailer's, as on the SMTP path: our Message-ID, headers, attachment; no Bcc header.
    expect(got.messageId).toBe(res.message.messageId);
    expect(got.headers['x-campaign']).toBe('spring');
    expect(got.headers.bcc).toBeUndefined();
    expect(got.attachments[0]).toMatchObject({ filename: 'n.txt', size: 4 });
    // SES's message id is kept in the reply.
    expect(res.message.recipients[0]?.reply).toBe(`200 ${got.ses?.messageId}`);
  });

  it('passes the connection test: resolve, then GetAccount with the quota', async () => {
    const account = await ses();
    const result = await testAccount({ ctx: env.ctx, id: account.id, input: { direction: 'outgoing' } });
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.step)).toEqual(['resolve', 'authenticate']);
    expect(result.steps[1]?.detail).toMatchObject({
      sendingEnabled: true,
      quota: { max24HourSend: 50000, maxSendRate: 14 },
    });
  });

  it('defers on a refused key as auth (the account’s trouble), in sends and tests alike', async () => {
    const account = await ses({ secretAccessKey: 'not-the-secret-key' });
    const err = await undelivered(send(account.id));
    expect(err.extra).toMatchObject({ errorClass: 'auth', messageStatus: 'deferred', responseCode: 403 });
    const result = await testAccount({ ctx: env.ctx, id: account.id, input: { direction: 'outgoing' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'auth', responseCode: 403 } });
    expect(result.steps.at(-1)).toMatchObject({ step: 'authenticate', ok: false });
    expect(await everythingStored()).not.toContain('not-the-secret-key');
  });

  it('fails a message SES rejects (400 MessageRejected) for good', async () => {
    const account = await ses();
    mock.faults.set([{ stage: 'ses', code: 400, message: 'Email address is not verified.', count: 1 }]);
    const res = await send(account.id);
    expect(res.outcome).toBe('failed');
    const view = await getMessage({ ctx: env.ctx, id: res.message.id });
    expect(view.status).toBe('failed');
    expect(view.attempts?.[0]?.errorCode).toBe('rejected');
    expect(view.recipients[0]?.reply).toContain('MessageRejected: Email address is not verified.');
  });

  it.each([
    [429, undefined],
    [400, 'LimitExceededException'],
    [503, undefined],
    [400, 'SendingPausedException'],
  ])('defers a %i %s', async (code, errorType) => {
    const account = await ses();
    mock.faults.set([{ stage: 'ses', code, errorType, count: 1 }]);
    const err = await undelivered(send(account.id));
    expect(err.extra).toMatchObject({ messageStatus: 'deferred', responseCode: code });
  });

  it('refuses an endpoint over plain http to a host that is not this machine', async () => {
    await expect(ses({ endpoint: 'http://ses.example.com' })).rejects.toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'outgoing.endpoint' }],
    });
    await expect(ses({ region: 'Europe' })).rejects.toMatchObject({
      errors: [{ path: 'outgoing.region' }],
    });
  });

  it('asks for the secret again when the endpoint or the region changes', async () => {
    const account = await ses();
    const result = testConnection({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        direction: 'outgoing',
        outgoing: {
          transport: 'ses',
          region: 'eu-west-1',
          accessKeyId: KEY_ID,
          endpoint: 'http://127.0.0.2:9/ses',
          from: { address: 'news@example.com' },
        },
      },
    });
    await expect(result).rejects.toMatchObject({
      code: 'secret_required',
      errors: [{ path: 'outgoing.secretAccessKey', message: 're-enter the secret: the endpoint changed' }],
    });
  });
});

describe('an SES endpoint that echoes what it was sent', () => {
  let env: TestEnv;
  let server: Server;
  let url: string;
  const seen: string[] = [];
  let answer: (req: IncomingMessage) => { status: number; headers: Record<string, string>; body: string };
  beforeAll(async () => {
    env = await createTestEnv('pglite');
    server = createServer((req, res) => {
      seen.push(req.headers.authorization ?? '');
      req.resume();
      req.on('end', () => {
        const a = answer(req);
        res.writeHead(a.status, a.headers).end(a.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await env?.close();
  });

  it('stores neither the secret key nor the signature, even when the server echoes them', async () => {
    answer = (req) => ({
      status: 400,
      headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': 'MessageRejected' },
      body: JSON.stringify({ message: `You sent ${req.headers.authorization} with ${SECRET}` }),
    });
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'SES echo',
        debug: true,
        outgoing: {
          transport: 'ses',
          region: 'us-east-1',
          accessKeyId: KEY_ID,
          secretAccessKey: SECRET,
          endpoint: url,
          from: { address: 'a@example.com' },
          sendMode: 'immediate',
        },
      },
    });
    const res = await sendMessage({
      ctx: env.ctx,
      input: { accountId: account.id, to: ['r@example.org'], subject: 'echo', text: 'x' },
    });
    expect(res.outcome).toBe('failed');
    const result = await testAccount({ ctx: env.ctx, id: account.id, input: { direction: 'outgoing' } });
    expect(result.ok).toBe(false);
    const signatures = seen.map((h) => /Signature=([0-9a-f]+)/.exec(h)?.[1]).filter(Boolean);
    expect(signatures).toHaveLength(2);
    const db = env.database.db;
    const stored = JSON.stringify(
      await Promise.all([
        db.select().from(tables.messages),
        db.select().from(tables.messageAttempts),
        db.select().from(tables.logs),
        db.select().from(tables.accounts),
      ]),
    );
    expect(stored).toContain('You sent');
    expect(stored).not.toContain(SECRET);
    for (const signature of signatures) expect(stored).not.toContain(signature);
    expect(JSON.stringify(result)).not.toContain(signatures[1]);
  });

  it('does not follow a redirect: the send waits, account-level', async () => {
    answer = () => ({ status: 302, headers: { location: 'http://169.254.169.254/' }, body: '' });
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'SES redirect',
        outgoing: {
          transport: 'ses',
          region: 'us-east-1',
          accessKeyId: KEY_ID,
          secretAccessKey: SECRET,
          endpoint: url,
          from: { address: 'a@example.com' },
          sendMode: 'immediate',
        },
      },
    });
    const err = await undelivered(
      sendMessage({
        ctx: env.ctx,
        input: { accountId: account.id, to: ['r@example.org'], subject: 'r', text: 'x' },
      }),
    );
    expect(err.extra).toMatchObject({ errorClass: 'protocol', messageStatus: 'deferred', responseCode: 302 });
  });
});
