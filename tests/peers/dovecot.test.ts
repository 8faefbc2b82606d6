import {
  createAccount,
  type EngineOptions,
  getAccount,
  listTimeline,
  queryLogs,
  type ResolvedPart,
  runConnectionTest,
  testAccount,
} from '@mailroom/core';
import { connectionTestResultSchema } from '@mailroom/core/schemas';
import { createTestEnv, type TestEnv } from '@mailroom/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, dovecotInstalled, startDovecot } from './dovecot';

// CI must run these: a missing dovecot fails there. Locally, without dovecot, the suite says why it skips.
const installed = dovecotInstalled();
if (!installed && process.env.CI)
  throw new Error('dovecot is not installed (/usr/sbin/dovecot); CI runs the real-peer tests');

const options: EngineOptions = {
  config: { allowPrivateHosts: true, timeouts: { connectMs: 2000, greetingMs: 5000, commandMs: 5000 } },
  secrets: [],
};

type Security = 'none' | 'starttls' | 'tls';

describe.skipIf(!installed)('real Dovecot (IMAP and POP3)', { timeout: 30_000 }, () => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot({ messages: 3 });
  }, 60_000);
  afterAll(async () => {
    await dovecot?.stop();
  });

  const part = (
    protocol: 'imap' | 'pop3',
    security: Security,
    extra: Record<string, unknown> = {},
  ): ResolvedPart => {
    const ports = {
      imap: { none: dovecot.imapPort, starttls: dovecot.imapPort, tls: dovecot.imapsPort },
      pop3: { none: dovecot.pop3Port, starttls: dovecot.pop3Port, tls: dovecot.pop3sPort },
    };
    return {
      protocol,
      host: 'localhost',
      port: ports[protocol][security],
      security,
      allowInvalidCertificates: true,
      auth: { method: 'password', username: dovecot.user, password: dovecot.password },
      mailbox: 'INBOX',
      pollIntervalSec: 60,
      afterFetch: 'keep',
      enabled: true,
      ...extra,
    } as ResolvedPart;
  };
  const run = async (p: ResolvedPart, extra: Partial<EngineOptions> = {}) => {
    const r = await runConnectionTest('incoming', p, { ...options, secrets: [dovecot.password], ...extra });
    connectionTestResultSchema.parse(r.result);
    if (!r.result.ok && !extra.ca && r.result.error?.code === 'protocol') console.error(dovecot.log());
    return r;
  };
  const step = (r: Awaited<ReturnType<typeof run>>, name: string) =>
    r.result.steps.filter((s) => s.step === name).at(-1);

  describe.each(['none', 'starttls', 'tls'] as const)('IMAP with security %s', (security) => {
    it('lists mailboxes, counts INBOX and shows the newest UIDs', async () => {
      const r = await run(part('imap', security));
      expect(r.result.error).toBeUndefined();
      const names = r.result.steps.map((s) => s.step);
      expect(names.slice(0, 2)).toEqual(['resolve', 'connect']);
      expect(names).toContain('greeting');
      expect(names).toContain('authenticate');
      expect(names.at(-1)).toBe('check');
      expect(step(r, 'authenticate')?.detail).toMatchObject({ encrypted: security !== 'none' });
      if (security !== 'none')
        expect(step(r, 'tls')?.detail).toMatchObject({
          mode: security === 'tls' ? 'implicit' : 'starttls',
          certificate: { subject: 'localhost' },
          validated: false,
        });
      else expect(names).not.toContain('tls');
      expect(step(r, 'capabilities')?.detail).toMatchObject({
        capabilities: expect.arrayContaining(['IMAP4REV1']),
      });
      expect(step(r, 'check')?.detail).toMatchObject({
        mailboxes: expect.arrayContaining(['INBOX']),
        messages: 3,
        newestUids: [3, 2, 1],
      });
      expect(JSON.stringify(r)).not.toContain(dovecot.password);
    });
  });

  describe.each(['none', 'starttls', 'tls'] as const)('POP3 with security %s', (security) => {
    it('signs in and reports STAT and the newest UIDL ids', async () => {
      const r = await run(part('pop3', security));
      expect(r.result.error).toBeUndefined();
      expect(step(r, 'capabilities')?.detail).toMatchObject({
        capabilities: expect.arrayContaining(['UIDL']),
      });
      expect(step(r, 'check')?.detail).toMatchObject({ messages: 3, newestUids: expect.any(Array) });
      expect((step(r, 'check')?.detail as { newestUids?: string[] } | undefined)?.newestUids).toHaveLength(3);
      expect(r.transcript).toContain('C: PASS *****');
      expect(JSON.stringify(r)).not.toContain(dovecot.password);
    });
  });

  it.each(['imap', 'pop3'] as const)(
    '%s over implicit TLS fails as "certificate" on the self-signed certificate unless allowed',
    async (protocol) => {
      const r = await run(part(protocol, 'tls', { allowInvalidCertificates: false }));
      expect(r.result.error).toMatchObject({
        code: 'certificate',
        message: expect.stringContaining('self-signed'),
      });
      expect(r.result.steps.at(-1)).toMatchObject({
        step: 'tls',
        ok: false,
        detail: { mode: 'implicit', certificate: { subject: 'localhost', issuer: 'localhost' } },
      });
      expect(r.result.steps.some((s) => s.step === 'authenticate')).toBe(false);
    },
  );

  it('STARTTLS to a certificate for another host fails as "certificate" before any password is sent', async () => {
    const r = await run(part('imap', 'starttls', { host: '127.0.0.1', allowInvalidCertificates: false }), {
      ca: dovecot.cert,
    });
    expect(r.result.error).toMatchObject({
      code: 'certificate',
      message: expect.stringContaining('another host name'),
    });
    expect(r.transcript.some((l) => /^C: .*(LOGIN|AUTHENTICATE)/.test(l))).toBe(false);
  });

  it('validates the certificate when its issuer is trusted and the name matches', async () => {
    const r = await run(part('imap', 'tls', { allowInvalidCertificates: false }), { ca: dovecot.cert });
    expect(r.result.ok).toBe(true);
    expect(step(r, 'tls')?.detail).toMatchObject({ validated: true });
  });

  it.each(['imap', 'pop3'] as const)(
    '%s with a wrong password fails as "auth" with the server reply',
    async (protocol) => {
      const wrong = 'not-the-Password-1';
      const r = await run(
        part(protocol, 'starttls', { auth: { method: 'password', username: dovecot.user, password: wrong } }),
        { secrets: [wrong] },
      );
      expect(r.result.error).toMatchObject({ code: 'auth' });
      expect(r.result.error?.reply).toMatch(/auth/i);
      expect(JSON.stringify(r)).not.toContain(wrong);
      expect(JSON.stringify(r)).not.toContain(Buffer.from(`\0${dovecot.user}\0${wrong}`).toString('base64'));
    },
  );

  it('names the mailboxes the server has when the configured one does not exist', async () => {
    const r = await run(part('imap', 'none', { mailbox: 'Archive/2019' }));
    expect(r.result.error).toMatchObject({
      code: 'rejected',
      message: expect.stringContaining('Archive/2019'),
    });
    expect(r.result.error?.hint).toContain('INBOX');
  });

  it('sees newly delivered mail in the next test', async () => {
    dovecot.seed(2);
    const r = await run(part('imap', 'none'));
    expect(step(r, 'check')?.detail).toMatchObject({ messages: 5, newestUids: [5, 4, 3, 2, 1] });
  });

  describe('through the account verbs', () => {
    let env: TestEnv;
    beforeAll(async () => {
      env = await createTestEnv('pglite', { timeouts: options.config.timeouts });
    }, 60_000);
    afterAll(async () => {
      await env?.close();
    });

    it('records health, timeline and redacted log rows for an IMAP account with debug on', async () => {
      const acc = await createAccount({
        ctx: env.ctx,
        input: {
          name: 'Support inbox',
          debug: true,
          incoming: { ...part('imap', 'starttls'), port: dovecot.imapPort },
        },
      });
      const result = await testAccount({ ctx: env.ctx, id: acc.id, input: { direction: 'incoming' } });
      expect(result.ok).toBe(true);
      expect((await getAccount({ ctx: env.ctx, id: acc.id })).health).toBe('ok');
      expect(JSON.stringify(await listTimeline({ ctx: env.ctx, id: acc.id }))).toContain(
        'Incoming connection test passed',
      );
      const logs = await queryLogs({ ctx: env.ctx, input: { accountId: acc.id, pageSize: 500 } });
      expect(logs.items.some((l) => l.source === 'imap_auth' && l.message.includes('succeeded'))).toBe(true);
      expect(logs.items.filter((l) => l.level === 'debug').length).toBeGreaterThan(5);
      const all = JSON.stringify(logs);
      expect(all).not.toContain(dovecot.password);
      expect(all).not.toContain(Buffer.from(`\0${dovecot.user}\0${dovecot.password}`).toString('base64'));
    });

    it('marks a POP3 account auth_failed on a wrong password', async () => {
      const acc = await createAccount({
        ctx: env.ctx,
        input: {
          name: 'Old POP box',
          incoming: {
            ...part('pop3', 'none'),
            auth: { method: 'password', username: dovecot.user, password: 'wrong-one-123' },
          },
        },
      });
      const result = await testAccount({ ctx: env.ctx, id: acc.id, input: { direction: 'incoming' } });
      expect(result.error?.code).toBe('auth');
      expect((await getAccount({ ctx: env.ctx, id: acc.id })).health).toBe('auth_failed');
      const auth = await queryLogs({ ctx: env.ctx, input: { accountId: acc.id, source: 'pop3_auth' } });
      expect(auth.total).toBe(1);
    });
  });
});
