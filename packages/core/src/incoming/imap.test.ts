import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { fetchAccount, getInboxMessage, listInbox } from '.';

const PASSWORD = 'imap-password-123';

// Mailroom's IMAP fetch (imapflow) against the mock mail server's IMAP, as against Dovecot in tests/peers.
describe.each(backends)('incoming mail over IMAP from the mock on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv(backend, { timeouts: { connectMs: 2000, greetingMs: 2000, commandMs: 2000 } });
    mock = await startMockMailServer({ smtpsPort: false, pop3Port: false, httpPort: false });
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  async function deliver(to: string, subject: string) {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
    await t.sendMail({
      from: 'Customer <customer@example.net>',
      to,
      subject,
      text: `Hello about ${subject}`,
    });
    t.close();
  }

  async function imapAccount(
    name: string,
    mailbox: string,
    afterFetch: 'keep' | 'mark_seen' | 'delete',
    security: 'starttls' | 'tls' = 'starttls',
  ) {
    return createAccount({
      ctx: env.ctx,
      input: {
        name,
        incoming: {
          protocol: 'imap',
          host: '127.0.0.1',
          port: security === 'tls' ? mock.imapsPort : mock.imapPort,
          security,
          // The mock's certificate is self-signed.
          allowInvalidCertificates: true,
          auth: { method: 'password', username: mailbox, password: PASSWORD },
          afterFetch,
        },
      },
    });
  }

  it('fetches new mail over STARTTLS once, resumes after the last UID, and leaves it unread (BODY.PEEK)', async () => {
    const to = `support+imap-${backend}@example.org`;
    await deliver(to, 'Order 2001');
    await deliver(to, 'Order 2002');
    const acc = await imapAccount(`IMAP support ${backend}`, to, 'keep');

    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 2, duplicates: 0 });
    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 0 });
    await deliver(to, 'Order 2003');
    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 1 });

    const inbox = await listInbox({ ctx: env.ctx, input: { accountId: acc.id } });
    expect(inbox.items.map((m) => m.subject).sort()).toEqual(['Order 2001', 'Order 2002', 'Order 2003']);
    const full = await getInboxMessage({ ctx: env.ctx, id: inbox.items[0]!.id });
    expect(full).toMatchObject({ from: { address: 'customer@example.net', name: 'Customer' }, to: [to] });
    expect(mock.messages({ to }).map((m) => m.read)).toEqual([false, false, false]);
  });

  it('marks fetched mail seen over implicit TLS when afterFetch is mark_seen', async () => {
    const to = `sales+imap-${backend}@example.org`;
    await deliver(to, 'Quote request');
    const acc = await imapAccount(`IMAP sales ${backend}`, to, 'mark_seen', 'tls');
    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 1 });
    expect(mock.messages({ to })[0]).toMatchObject({ subject: 'Quote request', read: true });
  });

  it('deletes fetched mail from the server when afterFetch is delete', async () => {
    const to = `billing+imap-${backend}@example.org`;
    await deliver(to, 'Invoice question');
    const acc = await imapAccount(`IMAP billing ${backend}`, to, 'delete');
    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 1 });
    expect(mock.messages({ to })).toHaveLength(0);
  });

  it('reports a connection cut during the fetch, then fetches on the next run', async () => {
    const to = `ops+imap-${backend}@example.org`;
    await deliver(to, 'Alert');
    const acc = await imapAccount(`IMAP ops ${backend}`, to, 'keep');
    mock.faults.set([{ stage: 'imap-fetch', match: to, action: 'drop', count: 1 }]);
    try {
      const cut = await fetchAccount({ ctx: env.ctx, id: acc.id });
      expect(cut.fetched).toBe(0);
      // A connection that breaks off mid-command is classed as a protocol failure.
      expect(cut.error?.code).toBe('protocol');
      expect(mock.faults.fired()).toEqual([
        expect.objectContaining({ stage: 'imap-fetch', action: 'drop', target: to }),
      ]);
      expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 1 });
    } finally {
      mock.faults.clear();
    }
  });
});
