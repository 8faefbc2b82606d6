import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingParsed, OutgoingParsed } from '../schemas/account';
import { runConnectionTest } from './engine';
import { engineOptions, startServer } from './testkit';

const PASSWORD = 'Mock-Secret-pw-7';
const USER = 'sales@example.com';

type Smtp = Extract<OutgoingParsed, { transport: 'smtp' }>;

describe('connection tests against the mock mail server', () => {
  let mock: MockMailServer;
  beforeAll(async () => {
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: 0,
      pop3Port: 0,
      httpPort: 0,
      users: { [USER]: PASSWORD },
      mailgunApiKey: 'key-mock-123',
    });
  });
  afterAll(async () => {
    await mock?.close();
  });
  afterEach(() => {
    mock.faults.clear();
  });

  const smtp = (security: Smtp['security'], extra: Partial<Smtp> = {}): OutgoingParsed => ({
    transport: 'smtp',
    host: 'localhost',
    port: security === 'tls' ? mock.smtpsPort : mock.smtpPort,
    security,
    allowInvalidCertificates: true,
    auth: { method: 'password', username: USER, password: PASSWORD },
    from: { address: USER },
    fromFilter: [],
    sendMode: 'queued',
    rateLimitPerMinute: 0,
    ...extra,
  });
  const run = (part: OutgoingParsed | IncomingParsed, extra = {}) =>
    runConnectionTest(
      'transport' in part ? 'outgoing' : 'incoming',
      part,
      engineOptions({ secrets: [PASSWORD], ...extra }),
    );

  it.each(['none', 'starttls', 'tls'] as const)(
    'passes SMTP with security %s, sending no mail',
    async (security) => {
      const before = mock.messages().length;
      const { result, transcript } = await run(smtp(security));
      expect(result.error).toBeUndefined();
      const caps = result.steps.filter((s) => s.step === 'capabilities').at(-1)?.detail;
      expect(caps).toMatchObject({
        authMechanisms: expect.arrayContaining(['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2']),
        size: expect.any(Number),
      });
      expect(result.steps.find((s) => s.step === 'check')?.detail).toMatchObject({ sent: false });
      if (security !== 'none')
        expect(result.steps.find((s) => s.step === 'tls')?.detail).toMatchObject({
          validated: false,
          protocol: expect.stringMatching(/TLS/),
        });
      expect(mock.messages().length).toBe(before);
      expect(JSON.stringify({ result, transcript })).not.toContain(PASSWORD);
    },
  );

  it('validates the mock certificate when it is trusted', async () => {
    const { result } = await run(smtp('tls', { allowInvalidCertificates: false }), { ca: mock.certificate });
    const tls = result.steps.find((s) => s.step === 'tls');
    expect(tls?.detail).toHaveProperty('certificate.subject');
    expect(result.ok).toBe(true);
    expect(tls?.detail).toMatchObject({
      validated: true,
      certificate: { subject: 'mock-mailserver', altNames: expect.stringContaining('DNS:localhost') },
    });
  });

  it('fails the self-signed mock certificate as "certificate" unless allowed', async () => {
    const { result } = await run(smtp('starttls', { allowInvalidCertificates: false }));
    expect(result.error?.code).toBe('certificate');
    expect(result.steps.some((s) => s.step === 'authenticate')).toBe(false);
  });

  it('classifies a wrong password as "auth"', async () => {
    const wrong = 'wrong-Mock-pw';
    const { result, transcript } = await run(
      smtp('starttls', { auth: { method: 'password', username: USER, password: wrong } }),
      { secrets: [wrong] },
    );
    expect(result.error).toMatchObject({ code: 'auth', responseCode: 535 });
    expect(JSON.stringify({ result, transcript })).not.toContain(wrong);
  });

  it.each(['LOGIN', 'CRAM-MD5'])(
    'signs in with AUTH %s when that is what the server offers',
    async (mech) => {
      // A proxy that trims the mock's AUTH line to one mechanism, so the client has to use it.
      const proxy = await startServer((client) => {
        const upstream = connect({ host: '127.0.0.1', port: mock.smtpPort });
        upstream.on('data', (d: Buffer) =>
          client.write(d.toString('latin1').replace(/AUTH [A-Z0-9 -]+/, `AUTH ${mech}`), 'latin1'),
        );
        client.on('data', (d) => upstream.write(d));
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        upstream.on('error', () => client.destroy());
      });
      try {
        const { result, transcript } = await run(smtp('none', { port: proxy.port }));
        expect(result.error).toBeUndefined();
        expect(result.steps.find((s) => s.step === 'authenticate')?.detail).toMatchObject({
          mechanism: mech,
        });
        const text = transcript.join('\n');
        expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
        expect(text).not.toContain(Buffer.from(USER).toString('base64'));
      } finally {
        await proxy.close();
      }
    },
  );

  it('signs in with XOAUTH2 using a token fetched with the refresh token', async () => {
    let body = '';
    const tokens: Server = createServer((req, res) => {
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ access_token: PASSWORD, token_type: 'Bearer', expires_in: 3600 }));
      });
    });
    await new Promise<void>((r) => tokens.listen(0, '127.0.0.1', r));
    const port = (tokens.address() as { port: number }).port;
    try {
      const refresh = 'refresh-token-abc';
      const { result, transcript } = await run(
        smtp('starttls', {
          auth: {
            method: 'oauth2',
            username: USER,
            clientId: 'mailroom',
            clientSecret: 'client-secret-1',
            refreshToken: refresh,
            tokenUrl: `http://127.0.0.1:${port}/token`,
          },
        }),
        { secrets: [PASSWORD, refresh, 'client-secret-1'] },
      );
      expect(result.error).toBeUndefined();
      expect(result.steps.map((s) => s.step)[0]).toBe('token');
      expect(result.steps.find((s) => s.step === 'authenticate')?.detail).toMatchObject({
        mechanism: 'XOAUTH2',
      });
      expect(body).toContain('grant_type=refresh_token');
      expect(transcript).toContain('C: AUTH XOAUTH2 *****');
      expect(JSON.stringify({ result, transcript })).not.toMatch(
        /refresh-token-abc|client-secret-1|Mock-Secret-pw-7/,
      );
    } finally {
      await new Promise<void>((r) => tokens.close(() => r()));
    }
  });

  it('refuses an OAuth2 token URL on a blocked address', async () => {
    const opts = engineOptions();
    const { result } = await runConnectionTest(
      'outgoing',
      smtp('starttls', {
        host: 'smtp.example.com',
        auth: {
          method: 'oauth2',
          username: USER,
          clientId: 'x',
          refreshToken: 'r-123',
          tokenUrl: 'http://169.254.169.254/token',
        },
      }),
      opts,
    );
    expect(result.error?.code).toBe('blocked');
    expect(result.steps).toHaveLength(1);
  });

  it.each([
    [{ stage: 'rcpt', code: 550, message: '5.1.1 No such user here' }, 'rejected', 550],
    [{ stage: 'mail', code: 553, message: '5.7.1 Sender address rejected' }, 'rejected', 553],
    [{ stage: 'rcpt', code: 451, message: '4.7.1 Greylisted, try again' }, 'rejected', 451],
    [{ stage: 'auth', code: 454, message: '4.7.0 Temporary authentication failure' }, 'auth', 454],
    [{ stage: 'connect', code: 554, message: '5.7.1 Your IP is on a blocklist' }, 'rejected', 554],
  ] as const)('turns the fault %o into class %s with the reply kept', async (rule, code, responseCode) => {
    mock.faults.set([rule]);
    const { result } = await run(smtp('starttls'));
    expect(result.error).toMatchObject({ code, responseCode, reply: expect.stringContaining(rule.message) });
    if (responseCode === 451) expect(result.error?.hint).toMatch(/temporary/i);
  });

  it('times out a command the server sits on', async () => {
    // The server holds RCPT for 3000 ms; the 1000 ms command deadline of engineOptions ends it first.
    mock.faults.set([{ stage: 'rcpt', action: 'delay', delayMs: 3000 }]);
    const { result } = await run(smtp('none'));
    expect(result.error).toMatchObject({ code: 'timeout', message: 'No answer to RCPT TO within 1000 ms' });
  });

  it('classifies a dropped connection at RCPT as "protocol"', async () => {
    mock.faults.set([{ stage: 'rcpt', action: 'drop' }]);
    const { result } = await run(smtp('none'));
    expect(result.error?.code).toBe('protocol');
    expect(result.error?.message).toMatch(/closed|reset/);
  });

  const pop3 = (security: IncomingParsed['security'], password = PASSWORD): IncomingParsed => ({
    protocol: 'pop3',
    host: 'localhost',
    port: mock.pop3Port,
    security,
    allowInvalidCertificates: true,
    auth: { method: 'password', username: USER, password },
    mailbox: 'INBOX',
    pollIntervalSec: 60,
    afterFetch: 'keep',
    enabled: true,
  });

  it.each(['none', 'starttls'] as const)('passes POP3 with security %s (STAT and UIDL)', async (security) => {
    const { result, transcript } = await run(pop3(security));
    expect(result.error).toBeUndefined();
    expect(result.steps.find((s) => s.step === 'check')?.detail).toMatchObject({
      messages: expect.any(Number),
      newestUids: expect.any(Array),
    });
    expect(transcript).toContain('C: PASS *****');
  });

  it('classifies a wrong POP3 password as "auth"', async () => {
    const { result } = await run(pop3('none', 'nope-nope-1'), { secrets: ['nope-nope-1'] });
    expect(result.error?.code).toBe('auth');
    expect(result.error?.reply).toMatch(/^-ERR/);
  });

  const mailgun = (apiKey: string): OutgoingParsed => ({
    transport: 'mailgun',
    domain: 'mg.example.com',
    apiKey,
    baseUrl: `${mock.httpUrl}/mailgun`,
    from: { address: USER },
    fromFilter: [],
    sendMode: 'queued',
    rateLimitPerMinute: 0,
  });

  it('reaches the Mailgun domain with the key', async () => {
    const { result } = await run(mailgun('key-mock-123'), { secrets: ['key-mock-123'] });
    expect(result.error).toBeUndefined();
    expect(result.steps.find((s) => s.step === 'authenticate')?.detail).toMatchObject({
      domain: 'mg.example.com',
      state: 'active',
      status: 200,
    });
  });

  it('classifies a wrong Mailgun key as "auth" without echoing it', async () => {
    const { result, transcript } = await run(mailgun('key-wrong-456'), { secrets: ['key-wrong-456'] });
    expect(result.error).toMatchObject({ code: 'auth', responseCode: 401 });
    expect(JSON.stringify({ result, transcript })).not.toContain('key-wrong-456');
  });
});

describe('sendmail test', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mailroom-sendmail-'));
    writeFileSync(join(dir, 'sendmail'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, 'sendmail'), 0o755);
    writeFileSync(join(dir, 'not-exec'), 'x');
    chmodSync(join(dir, 'not-exec'), 0o644);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const part = (path: string): OutgoingParsed => ({
    transport: 'sendmail',
    path,
    from: { address: USER },
    fromFilter: [],
    sendMode: 'queued',
    rateLimitPerMinute: 0,
  });
  /** The operator allows exactly these programs. */
  const allowing = (...paths: string[]) => {
    const base = engineOptions();
    return engineOptions({ config: { ...base.config, sendmailPaths: paths } });
  };

  it('passes for an executable binary the operator allows', async () => {
    const path = join(dir, 'sendmail');
    const { result } = await runConnectionTest('outgoing', part(path), allowing(path));
    expect(result.ok).toBe(true);
    expect(result.steps).toEqual([
      expect.objectContaining({
        step: 'binary',
        ok: true,
        detail: expect.objectContaining({ executable: true }),
      }),
    ]);
  });

  it.each([
    ['missing', '/nonexistent/sendmail', 'does not exist'],
    ['a directory', '/tmp', 'is not a file'],
  ])('fails when the path is %s', async (_what, path, message) => {
    const { result } = await runConnectionTest('outgoing', part(path), allowing(path));
    expect(result.error?.message).toContain(message);
  });

  it('fails when the file is not executable', async () => {
    // Even root may not execute a file without any x bit.
    const path = join(dir, 'not-exec');
    const { result } = await runConnectionTest('outgoing', part(path), allowing(path));
    expect(result.error?.message).toContain('not executable');
  });

  it('refuses a program the operator did not allow, as blocked, without looking at it', async () => {
    const path = join(dir, 'sendmail');
    const { result } = await runConnectionTest('outgoing', part(path), allowing('/usr/sbin/sendmail'));
    expect(result.error).toMatchObject({ code: 'blocked' });
    expect(result.error?.message).toContain('MAILROOM_SENDMAIL_PATHS');
    const tricked = await runConnectionTest(
      'outgoing',
      part('/usr/sbin/../bin/curl'),
      allowing('/usr/sbin/sendmail'),
    );
    expect(tricked.result.error).toMatchObject({ code: 'blocked' });
  });
});
