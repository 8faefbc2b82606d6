import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { createContext } from '../context';
import * as tables from '../db/schema';
import { sendMessage } from '../outbox/sendMessage';
import { undelivered } from '../outbox/testkit';
import { createTestEnv, type TestEnv } from '../testing';

describe('transports', () => {
  let env: TestEnv;
  let mock: MockMailServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mailroom-sendmail-'));
    // The operator allows one program: the fake sendmail below.
    env = await createTestEnv('pglite', { sendmailPaths: [join(dir, 'fake-sendmail')] });
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      httpPort: 0,
      mailgunApiKey: 'key-right',
      users: { 'debug-user': 'Pa55-debug-secret' },
    });
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const mailgun = (name: string, apiKey: string) =>
    createAccount({
      ctx: env.ctx,
      input: {
        name,
        outgoing: {
          transport: 'mailgun',
          domain: 'mg.example.com',
          apiKey,
          baseUrl: `${mock.httpUrl}/mailgun`,
          from: { address: 'news@mg.example.com', name: 'News' },
          sendMode: 'immediate',
        },
      },
    });

  it('sends through the Mailgun HTTP API (mock emulation) with headers and attachments', async () => {
    const account = await mailgun('Mailgun', 'key-right');
    const res = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        to: ['reader@example.org'],
        cc: ['copy@example.org'],
        subject: 'Via Mailgun',
        text: 'hello',
        html: '<p>hello</p>',
        headers: { 'X-Campaign': 'mg' },
        attachments: [
          {
            filename: 'n.txt',
            contentType: 'text/plain',
            contentBase64: Buffer.from('note').toString('base64'),
          },
        ],
      },
    });
    expect(res.message.status).toBe('sent');
    expect(res.message.recipients[0]?.reply).toMatch(/^200 /);
    const got = await mock.waitFor({ subject: 'Via Mailgun', timeoutMs: 5000 });
    expect(got.transport).toBe('mailgun');
    // Mailgun names the message itself; its id is in the reply we keep.
    expect(res.message.recipients[0]?.reply).toContain(String(got.messageId).replace(/[<>]/g, ''));
    expect(got.headers['x-campaign']).toBe('mg');
    expect(got.attachments[0]).toMatchObject({ filename: 'n.txt', size: 4 });
  });

  it('reports a refused Mailgun API key as an auth error, without the key', async () => {
    const account = await mailgun('Mailgun bad key', 'key-wrong');
    const err = await undelivered(
      sendMessage({
        ctx: env.ctx,
        input: { accountId: account.id, to: ['r@example.org'], subject: 'x', text: 'x' },
      }),
    );
    expect(err.extra).toMatchObject({ errorClass: 'auth', messageStatus: 'deferred', responseCode: 401 });
    expect(JSON.stringify(err.extra)).not.toContain('key-wrong');
  });

  it('hands a message to a sendmail binary', async () => {
    const out = join(dir, 'out.eml');
    const script = join(dir, 'fake-sendmail');
    writeFileSync(script, `#!/bin/sh\necho "$@" > ${out}.args\ncat > ${out}\n`);
    chmodSync(script, 0o755);
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'Local sendmail',
        outgoing: { transport: 'sendmail', path: script, from: { address: 'app@example.com' } },
      },
    });
    const res = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        to: ['ops@example.org'],
        subject: 'Via sendmail',
        text: 'hi',
        mode: 'immediate',
      },
    });
    expect(res.message.status).toBe('sent');
    expect(readFileSync(out, 'utf8')).toContain('Subject: Via sendmail');
    // Recipients come after `--`: none can be read as an option by the program.
    expect(readFileSync(`${out}.args`, 'utf8').trim()).toBe('-i -f app@example.com -- ops@example.org');
  });

  it('refuses to connect to a loopback server unless private hosts are allowed', async () => {
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'Loopback',
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          from: { address: 'a@example.com' },
        },
      },
    });
    const strict = createContext(
      { ...env.base, config: { ...env.base.config, allowPrivateHosts: false } },
      env.ctx.actor,
    );
    const err = await undelivered(
      sendMessage({
        ctx: strict,
        input: {
          accountId: account.id,
          to: ['r@example.org'],
          subject: 'blocked',
          text: 'x',
          mode: 'immediate',
        },
      }),
    );
    expect(err.extra).toMatchObject({ errorClass: 'blocked', messageStatus: 'deferred' });
    expect(mock.messages({ subject: 'blocked' })).toHaveLength(0);
  });

  it('logs the redacted SMTP transcript of each attempt for a debug account', async () => {
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'Debug SMTP',
        debug: true,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          auth: { method: 'password', username: 'debug-user', password: 'Pa55-debug-secret' },
          from: { address: 'debug@example.com' },
        },
      },
    });
    const res = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        to: ['r@example.org'],
        subject: 'Traced',
        text: 'x',
        mode: 'immediate',
      },
    });
    expect(res.message.status).toBe('sent');
    const rows = await env.database.db
      .select()
      .from(tables.logs)
      .where(and(eq(tables.logs.accountId, account.id), eq(tables.logs.level, 'debug')));
    const text = rows.map((r) => r.message).join('\n');
    expect(text).toContain('MAIL FROM:<debug@example.com>');
    expect(text).toContain('RCPT TO:<r@example.org>');
    expect(text).not.toContain('Pa55-debug-secret');
    expect(text).not.toContain(Buffer.from('Pa55-debug-secret').toString('base64'));
    expect(text).not.toContain(Buffer.from('\u0000debug-user\u0000Pa55-debug-secret').toString('base64'));
  });
});
