import { createServer } from 'node:net';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../context';
import { getMessage } from '../../outbox/getMessage';
import { sendMessage } from '../../outbox/sendMessage';
import { mockAccount, runUntilStatus, undelivered } from '../../outbox/testkit';
import { createTestEnv, type TestEnv } from '../../testing';
import { DeliveryThread } from './deliveryThread';
import { createThreadedSmtpTransport } from './transport';

const mail = (accountId: string, extra: Record<string, unknown> = {}) => ({
  accountId,
  to: ['alice@example.org'],
  subject: `Threaded ${Math.random().toString(36).slice(2)}`,
  text: 'Hi Alice',
  ...extra,
});

describe('SMTP in the delivery thread', () => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv('pglite', {}, { smtp: { thread: true } });
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: 0 });
  });
  afterEach(async () => {
    await mock.reset();
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  it('delivers and answers with the server reply, as on the main thread', async () => {
    const account = await mockAccount(env.ctx, mock, { sendMode: 'immediate' });
    const res = await sendMessage({
      ctx: env.ctx,
      input: mail(account.id, {
        html: '<p>Hi</p>',
        headers: { 'X-Trace': 'thread' },
        attachments: [{ filename: 'a.txt', contentType: 'text/plain', contentBase64: 'aGk=' }],
      }),
    });
    expect(res.outcome).toBe('sent');
    expect(res.message.recipients[0]?.reply).toMatch(/^250 /);
    const [got] = mock.messages({ subject: res.message.subject });
    expect(got?.messageId).toBe(res.message.messageId);
    expect(got?.headers['x-trace']).toBe('thread');
    expect(got?.attachments[0]).toMatchObject({ filename: 'a.txt', size: 2 });
  });

  it('keeps the reply, code and class of a refusal, and per-recipient results', async () => {
    const account = await mockAccount(env.ctx, mock);
    mock.faults.set([{ stage: 'rcpt', match: 'nobody@example.org', code: 550, message: 'Unknown user' }]);
    const res = await sendMessage({
      ctx: env.ctx,
      input: mail(account.id, { to: ['alice@example.org', 'nobody@example.org'], mode: 'immediate' }),
    });
    expect(res.message.status).toBe('partially_sent');
    expect(Object.fromEntries(res.message.recipients.map((r) => [r.address, r.status]))).toEqual({
      'alice@example.org': 'accepted',
      'nobody@example.org': 'rejected',
    });
    expect(res.message.recipients[1]?.reply).toContain('Unknown user');

    mock.faults.set([{ stage: 'rcpt', code: 550, message: 'Mailbox unavailable' }]);
    const err = await undelivered(
      sendMessage({ ctx: env.ctx, input: mail(account.id, { mode: 'immediate' }) }),
    );
    expect(err.extra).toMatchObject({ errorClass: 'rejected', messageStatus: 'failed', responseCode: 550 });
    expect(String(err.extra?.reply)).toContain('Mailbox unavailable');
  });

  it('defers a 451 and a dropped connection, then delivers each once on the retry', async () => {
    const account = await mockAccount(env.ctx, mock);
    mock.faults.set([
      { stage: 'rcpt', code: 451, message: 'Greylisted', count: 1 },
      { stage: 'data', action: 'drop', count: 1 },
    ]);
    const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
    const done = await runUntilStatus(env, res.message.id, ['sent', 'failed']);
    expect(done.status).toBe('sent');
    expect(done.attempts?.map((a) => [a.ok, a.errorCode])).toEqual([
      [false, 'rejected'],
      [false, 'protocol'],
      [true, null],
    ]);
    expect(mock.messages({ subject: res.message.subject })).toHaveLength(1);
  });

  it('classifies a refused connection', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const account = await mockAccount(env.ctx, mock, { port });
    const err = await undelivered(
      sendMessage({ ctx: env.ctx, input: mail(account.id, { mode: 'immediate' }) }),
    );
    expect(err.extra).toMatchObject({ errorClass: 'refused', messageStatus: 'deferred' });
    const stored = await getMessage({
      ctx: createContext(env.base, env.ctx.actor),
      id: String(err.extra?.messageId),
    });
    expect(stored.attempts?.[0]?.errorCode).toBe('refused');
  });
});

describe('the delivery thread itself', () => {
  let mock: MockMailServer;
  beforeAll(async () => {
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: 0 });
  });
  afterAll(async () => {
    await mock?.close();
  });

  const settings = () =>
    ({
      transport: 'smtp',
      host: '127.0.0.1',
      port: mock.smtpPort,
      security: 'none',
      auth: { method: 'none' },
      allowInvalidCertificates: false,
      from: { address: 'thread@example.com' },
    }) as Parameters<typeof createThreadedSmtpTransport>[2];
  const timeouts = { connectMs: 2000, greetingMs: 2000, commandMs: 5000 } as Parameters<
    typeof createThreadedSmtpTransport
  >[3];
  const outgoing = (subject: string) => ({
    messageId: `<${subject}@example.com>`,
    from: { address: 'thread@example.com' },
    to: ['bob@example.org'],
    cc: [],
    bcc: [],
    subject,
    text: 'x',
    headers: {},
    attachments: [],
    envelopeTo: ['bob@example.org'],
  });

  it('fails the sends in flight as temporary errors when it dies, and starts afresh on the next send', async () => {
    const thread = new DeliveryThread();
    const transport = createThreadedSmtpTransport(thread, 'pool-a', settings(), timeouts);
    expect((await transport.send(outgoing('before'))).ok).toBe(true);
    mock.faults.set([{ stage: 'data', action: 'delay', delayMs: 2000, count: 1 }]);
    const inFlight = transport.send(outgoing('in-flight'));
    // Stop the thread while the server holds the message's DATA.
    for (let i = 0; i < 100 && mock.faults.fired().length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(mock.faults.fired()).toHaveLength(1);
    await thread.stop();
    const lost = await inFlight;
    expect(lost.ok).toBe(false);
    // Our thread's end is not the account's fault: temporary, and kept out of its breaker.
    if (!lost.ok)
      expect(lost.error).toMatchObject({ code: 'protocol', temporary: true, accountLevel: false });
    const after = await transport.send(outgoing('after'));
    expect(after.ok).toBe(true);
    expect(mock.messages({ subject: 'after' })).toHaveLength(1);
    await thread.stop();
  });

  it('sends many messages at once, each answered for itself', async () => {
    const thread = new DeliveryThread();
    const transport = createThreadedSmtpTransport(thread, 'pool-b', settings(), timeouts, {
      maxConnections: 3,
    });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => transport.send(outgoing(`many-${i}`))),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(mock.messages({ subject: 'many-' }).length).toBeGreaterThanOrEqual(60);
    transport.close();
    await thread.stop();
  });
});
