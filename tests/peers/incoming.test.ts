import { createAccount, fetchAccount, listInbox } from '@mailroom/core';
import { createTestEnv, type TestEnv } from '@mailroom/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, dovecotInstalled, startDovecot } from './dovecot';

const installed = dovecotInstalled();
if (!installed && process.env.CI)
  throw new Error('dovecot is not installed (/usr/sbin/dovecot); CI runs the real-peer tests');

// Incoming mail end to end: Mailroom's poller verbs against a real Dovecot over IMAP and POP3.
describe.skipIf(!installed)('fetching from a real Dovecot', { timeout: 60_000 }, () => {
  let dovecot: Dovecot;
  let env: TestEnv;
  beforeAll(async () => {
    dovecot = await startDovecot({ messages: 3 });
    env = await createTestEnv('pglite', { timeouts: { connectMs: 2000, greetingMs: 5000, commandMs: 5000 } });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await dovecot?.stop();
  });

  const account = (name: string, incoming: Record<string, unknown>) =>
    createAccount({
      ctx: env.ctx,
      input: {
        name,
        incoming: {
          host: 'localhost',
          allowInvalidCertificates: true,
          auth: { method: 'password', username: dovecot.user, password: dovecot.password },
          ...incoming,
        },
      },
    });

  it('fetches over IMAPS, then resumes after the last UID when new mail arrives', async () => {
    const acc = await account('IMAPS inbox', { protocol: 'imap', port: dovecot.imapsPort, security: 'tls' });
    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 3, duplicates: 0 });
    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 0, duplicates: 0 });
    dovecot.seed(2);
    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 2, duplicates: 0 });
    const inbox = await listInbox({ ctx: env.ctx, input: { accountId: acc.id } });
    expect(inbox.total).toBe(5);
    expect(inbox.items.every((m) => m.from.address?.endsWith('@example.com'))).toBe(true);
  });

  it('refuses a self-signed certificate unless allowed, as a certificate error', async () => {
    const acc = await account('IMAPS strict', {
      protocol: 'imap',
      port: dovecot.imapsPort,
      security: 'tls',
      allowInvalidCertificates: false,
    });
    const r = await fetchAccount({ ctx: env.ctx, id: acc.id });
    expect(r.error?.code).toBe('certificate');
    expect(JSON.stringify(r)).not.toContain(dovecot.password);
  });

  it('fetches over POP3 with STLS and dedupes by UIDL on the next run', async () => {
    const acc = await account('POP3 copy', {
      protocol: 'pop3',
      port: dovecot.pop3Port,
      security: 'starttls',
    });
    const r = await fetchAccount({ ctx: env.ctx, id: acc.id });
    expect(r).toMatchObject({ fetched: 5 });
    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 0 });
  });

  it('deletes what it stored when afterFetch is delete', async () => {
    const acc = await account('IMAP cleaner', {
      protocol: 'imap',
      port: dovecot.imapPort,
      security: 'starttls',
      afterFetch: 'delete',
    });
    expect(await fetchAccount({ ctx: env.ctx, id: acc.id })).toMatchObject({ fetched: 5 });
    const fresh = await account('IMAP after cleanup', {
      protocol: 'imap',
      port: dovecot.imapPort,
      security: 'starttls',
    });
    expect(await fetchAccount({ ctx: env.ctx, id: fresh.id })).toMatchObject({ fetched: 0, duplicates: 0 });
  });
});
