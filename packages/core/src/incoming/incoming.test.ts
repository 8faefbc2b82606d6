import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts';
import { queryLogs } from '../logs';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { fetchAccount, getInboxMessage, getInboxRaw, listInbox } from '.';

const PASSWORD = 'pop3-password-123';

describe.each(backends)('incoming mail over POP3 on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv(backend, { timeouts: { connectMs: 2000, greetingMs: 2000, commandMs: 2000 } });
    mock = await startMockMailServer({ smtpsPort: false, httpPort: false });
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  async function deliver(to: string, subject: string, extra: Record<string, unknown> = {}) {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
    await t.sendMail({
      from: 'Customer <customer@example.net>',
      to,
      subject,
      text: `Hello about ${subject}`,
      ...extra,
    });
    t.close();
  }

  async function pop3Account(name: string, mailbox: string, afterFetch: 'keep' | 'delete') {
    return createAccount({
      ctx: env.ctx,
      input: {
        name,
        incoming: {
          protocol: 'pop3',
          host: '127.0.0.1',
          port: mock.pop3Port,
          security: 'none',
          auth: { method: 'password', username: mailbox, password: PASSWORD },
          afterFetch,
        },
      },
    });
  }

  it('fetches new mail once, dedupes by UIDL on the next run, and keeps it on the server', async () => {
    const to = `support+${backend}@example.org`;
    await deliver(to, 'Order 1001', { attachments: [{ filename: 'invoice.txt', content: 'total: 10' }] });
    await deliver(to, 'Order 1002');
    const acc = await pop3Account(`Support ${backend}`, to, 'keep');

    const first = await fetchAccount({ ctx: env.ctx, id: acc.id });
    expect(first).toMatchObject({ fetched: 2, duplicates: 0 });
    expect(first.error).toBeUndefined();
    const again = await fetchAccount({ ctx: env.ctx, id: acc.id });
    expect(again).toMatchObject({ fetched: 0 });
    expect(mock.messages({ to })).toHaveLength(2);

    const inbox = await listInbox({ ctx: env.ctx, input: { accountId: acc.id } });
    expect(inbox.total).toBe(2);
    expect(inbox.items.map((m) => m.subject).sort()).toEqual(['Order 1001', 'Order 1002']);
    const withFile = inbox.items.find((m) => m.subject === 'Order 1001')!;
    const full = await getInboxMessage({ ctx: env.ctx, id: withFile.id });
    expect(full).toMatchObject({
      from: { address: 'customer@example.net', name: 'Customer' },
      to: [to],
      attachments: [{ filename: 'invoice.txt', contentType: 'text/plain' }],
    });
    expect(full.text).toContain('Hello about Order 1001');
    expect(await getInboxRaw({ ctx: env.ctx, id: withFile.id })).toContain('Subject: Order 1001');
    const searched = await listInbox({ ctx: env.ctx, input: { q: '1002' } });
    expect(searched.items.map((m) => m.subject)).toEqual(['Order 1002']);
  });

  it('deletes fetched mail from the server when afterFetch is delete', async () => {
    const to = `billing+${backend}@example.org`;
    await deliver(to, 'Invoice question');
    const acc = await pop3Account(`Billing ${backend}`, to, 'delete');
    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 1 });
    expect(mock.messages({ to })).toHaveLength(0);
  });

  it('reports a wrong password as an auth error without the password, and logs the attempt', async () => {
    const strict = await startMockMailServer({
      smtpPort: false,
      smtpsPort: false,
      httpPort: false,
      users: { 'ops@example.org': 'right-one' },
    });
    try {
      const acc = await createAccount({
        ctx: env.ctx,
        input: {
          name: `Strict ${backend}`,
          incoming: {
            protocol: 'pop3',
            host: '127.0.0.1',
            port: strict.pop3Port,
            security: 'none',
            auth: { method: 'password', username: 'ops@example.org', password: PASSWORD },
          },
        },
      });
      const r = await fetchAccount({ ctx: env.ctx, id: acc.id });
      expect(r.error?.code).toBe('auth');
      expect(JSON.stringify(r)).not.toContain(PASSWORD);
      const logs = await queryLogs({ ctx: env.ctx, input: { accountId: acc.id, source: 'incoming' } });
      expect(logs.items[0]).toMatchObject({ level: 'error', message: expect.stringContaining('(auth)') });
      expect(JSON.stringify(logs)).not.toContain(PASSWORD);
    } finally {
      await strict.close();
    }
  });
});
