import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { fetchAccount } from '../incoming/fetchAccount';
import { listInbox } from '../incoming/inbox';
import { getMessage } from '../outbox/getMessage';
import { sendMessage } from '../outbox/sendMessage';
import { mockAccount } from '../outbox/testkit';
import { listSuppressions } from '../suppressions';
import { backends, createTestEnv, type TestEnv } from '../testing';

describe.each(backends)('a bounce mailbox fetching from the mock mail server on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: 0,
      imapPort: false,
      httpPort: false,
    });
  });
  afterEach(async () => {
    await mock.reset();
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  async function bounceMailbox(login: string) {
    return createAccount({
      ctx: env.ctx,
      input: {
        name: `Bounces ${login} ${Math.random().toString(36).slice(2, 6)}`,
        incoming: {
          protocol: 'pop3',
          host: '127.0.0.1',
          port: mock.pop3Port,
          security: 'none',
          auth: { method: 'password', username: login, password: 'x' },
          bounceMailbox: true,
          afterFetch: 'delete',
        },
      },
    });
  }

  it('classifies what it fetches: a hard bounce and a complaint change the recipients, other mail goes to the inbox', async () => {
    const base = `b${backend.slice(0, 2)}@example.com`;
    const sender = await mockAccount(env.ctx, mock, { bounceAddress: base });
    const inbox = await bounceMailbox(base);
    expect(inbox.incoming?.bounceMailbox).toBe(true);
    mock.faults.set([
      { stage: 'rcpt', match: 'dead@example.org', action: 'bounce', status: '5.1.1', text: 'User unknown' },
      { stage: 'rcpt', match: 'angry@example.org', action: 'complain' },
    ]);
    const sent = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: sender.id,
        to: ['dead@example.org', 'angry@example.org', 'fine@example.org'],
        subject: 'news',
        text: 'hi',
        mode: 'immediate',
      },
    });
    expect(sent.outcome).toBe('sent');
    // Ordinary mail to the same mailbox stays ordinary.
    await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: sender.id,
        to: [base],
        subject: 'a person writes',
        text: 'hello',
        mode: 'immediate',
      },
    });
    const fetched = await fetchAccount({ ctx: env.ctx, id: inbox.id });
    expect(fetched.error).toBeUndefined();
    expect(fetched.fetched).toBe(3);

    const view = await getMessage({ ctx: env.ctx, id: sent.message.id });
    expect(view.status).toBe('partially_sent');
    const [dead, angry, fine] = view.recipients;
    expect(dead).toMatchObject({ status: 'bounced', bounceKind: 'hard', statusCode: '5.1.1' });
    expect(dead?.diagnostic).toContain('User unknown');
    expect(dead?.events?.[0]).toMatchObject({
      state: 'bounced',
      correlation: 'verp',
      inboxMessageId: expect.any(String),
    });
    expect(angry).toMatchObject({ status: 'complained' });
    expect(fine).toMatchObject({ status: 'accepted' });
    const list = await listSuppressions({ ctx: env.ctx, input: {} });
    expect(list.items.map((s) => [s.address, s.reason]).sort()).toEqual([
      ['angry@example.org', 'complaint'],
      ['dead@example.org', 'hard_bounce'],
    ]);
    const mail = await listInbox({ ctx: env.ctx, input: { accountId: inbox.id } });
    expect(mail.items.map((m) => m.subject)).toEqual(['a person writes']);
    const reports = await listInbox({ ctx: env.ctx, input: { accountId: inbox.id, kind: 'all' } });
    expect(reports.items.map((m) => m.kind).sort()).toEqual(['bounce', 'complaint', 'mail']);
  });
});
