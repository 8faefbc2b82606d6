import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingParsed } from '../../schemas/account';
import { connectionTestResultSchema } from '../../schemas/connection';
import { runConnectionTest } from '../engine';
import { type Certs, engineOptions, fakeSmtp, makeCerts, startServer, type TestServer } from '../testkit';

const PASSWORD = 'Sup3r-Secret-pw';
const users = { 'sales@example.com': PASSWORD };

let certs: Certs;
let server: TestServer | undefined;
beforeAll(() => {
  certs = makeCerts();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function smtp(
  port: number,
  extra: Partial<Extract<OutgoingParsed, { transport: 'smtp' }>> = {},
): OutgoingParsed {
  return {
    transport: 'smtp',
    host: '127.0.0.1',
    port,
    security: 'none',
    allowInvalidCertificates: false,
    auth: { method: 'password', username: 'sales@example.com', password: PASSWORD },
    from: { address: 'sales@example.com' },
    fromFilter: [],
    sendMode: 'queued',
    rateLimitPerMinute: 0,
    ...extra,
  };
}

describe('SMTP connection test', () => {
  it('walks every step and sends no mail', async () => {
    const seen: string[] = [];
    server = await startServer(fakeSmtp({ users, seen }));
    const { result, transcript } = await runConnectionTest(
      'outgoing',
      smtp(server.port),
      engineOptions({ secrets: [PASSWORD] }),
    );
    expect(connectionTestResultSchema.parse(result)).toBeTruthy();
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.step)).toEqual([
      'resolve',
      'connect',
      'greeting',
      'capabilities',
      'authenticate',
      'check',
    ]);
    expect(result.steps.find((s) => s.step === 'capabilities')?.detail).toMatchObject({
      size: 10485760,
      authMechanisms: ['PLAIN', 'LOGIN'],
    });
    expect(result.steps.find((s) => s.step === 'check')?.detail).toMatchObject({
      sent: false,
      to: 'sales@example.com',
    });
    expect(seen).toContain('RSET');
    expect(seen.some((l) => l.startsWith('DATA'))).toBe(false);
    const all = JSON.stringify({ result, transcript });
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(Buffer.from(`\0sales@example.com\0${PASSWORD}`).toString('base64'));
    expect(transcript).toContain('C: AUTH PLAIN *****');
    expect(result.steps.find((s) => s.step === 'authenticate')?.detail).toMatchObject({
      encrypted: false,
      warning: expect.stringContaining('unencrypted'),
    });
  });

  it('upgrades with STARTTLS before sending the password and reports the certificate', async () => {
    const seen: string[] = [];
    server = await startServer(fakeSmtp({ users, seen, starttls: { key: certs.key, cert: certs.cert } }));
    const { result } = await runConnectionTest(
      'outgoing',
      smtp(server.port, { host: 'localhost', security: 'starttls' }),
      engineOptions({ ca: certs.caCert }),
    );
    expect(result.error).toBeUndefined();
    const tls = result.steps.find((s) => s.step === 'tls');
    expect(tls?.detail).toMatchObject({
      mode: 'starttls',
      validated: true,
      certificate: { subject: 'localhost', issuer: 'Mailroom Test CA' },
    });
    expect(seen.indexOf('STARTTLS')).toBeLessThan(seen.findIndex((l) => l.startsWith('AUTH')));
    const auth = result.steps.find((s) => s.step === 'authenticate')?.detail;
    expect(auth).toMatchObject({ encrypted: true });
    expect(auth).not.toHaveProperty('warning');
  });

  it('fails as "certificate" on a self-signed certificate unless invalid certificates are allowed', async () => {
    server = await startServer(fakeSmtp({ users, starttls: { key: certs.selfKey, cert: certs.selfCert } }));
    const bad = await runConnectionTest(
      'outgoing',
      smtp(server.port, { host: 'localhost', security: 'starttls' }),
      engineOptions(),
    );
    expect(bad.result.error).toMatchObject({
      code: 'certificate',
      message: expect.stringContaining('self-signed'),
    });
    expect(bad.result.steps.at(-1)).toMatchObject({
      step: 'tls',
      ok: false,
      detail: { mode: 'starttls', certificate: { subject: 'localhost' }, validated: false },
    });
    const ok = await runConnectionTest(
      'outgoing',
      smtp(server.port, { host: 'localhost', security: 'starttls', allowInvalidCertificates: true }),
      engineOptions(),
    );
    expect(ok.result.ok).toBe(true);
  });

  it('fails as "certificate" when the certificate names another host', async () => {
    server = await startServer(fakeSmtp({ users, starttls: { key: certs.key, cert: certs.cert } }));
    const { result } = await runConnectionTest(
      'outgoing',
      smtp(server.port, { host: '127.0.0.1', security: 'starttls' }),
      engineOptions({ ca: certs.caCert }),
    );
    expect(result.error).toMatchObject({
      code: 'certificate',
      message: expect.stringContaining('another host name'),
    });
  });

  it('refuses to go on when STARTTLS is required but not offered, before any password is sent', async () => {
    const seen: string[] = [];
    server = await startServer(fakeSmtp({ users, seen }));
    const { result } = await runConnectionTest(
      'outgoing',
      smtp(server.port, { security: 'starttls' }),
      engineOptions(),
    );
    expect(result.error).toMatchObject({ code: 'tls', message: expect.stringContaining('STARTTLS') });
    expect(seen.some((l) => l.startsWith('AUTH'))).toBe(false);
  });

  it('classifies a wrong password as "auth" with the server reply', async () => {
    server = await startServer(fakeSmtp({ users }));
    const wrong = 'not-the-password';
    const { result, transcript } = await runConnectionTest(
      'outgoing',
      smtp(server.port, { auth: { method: 'password', username: 'sales@example.com', password: wrong } }),
      engineOptions({ secrets: [wrong] }),
    );
    expect(result.error).toMatchObject({
      code: 'auth',
      responseCode: 535,
      reply: expect.stringContaining('535 5.7.8'),
    });
    expect(JSON.stringify({ result, transcript })).not.toContain(wrong);
  });

  it('masks both lines of AUTH LOGIN', async () => {
    server = await startServer(fakeSmtp({ users }));
    // A server offering only LOGIN: strip PLAIN by wrapping the fake.
    await server.close();
    server = await startServer((s) => {
      const orig = s.write.bind(s);
      s.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
        orig(
          typeof chunk === 'string' ? chunk.replace('AUTH PLAIN LOGIN', 'AUTH LOGIN') : chunk,
          ...rest,
        )) as typeof s.write;
      fakeSmtp({ users })(s);
    });
    const { result, transcript } = await runConnectionTest(
      'outgoing',
      smtp(server.port),
      engineOptions({ secrets: [PASSWORD] }),
    );
    expect(result.steps.find((s) => s.step === 'authenticate')?.detail).toMatchObject({ mechanism: 'LOGIN' });
    const text = transcript.join('\n');
    expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(text).not.toContain(Buffer.from('sales@example.com').toString('base64'));
  });

  it('classifies 550 at RCPT as "rejected" with the server reply', async () => {
    server = await startServer(fakeSmtp({ users, refuse: ['sales@example.com'] }));
    const { result } = await runConnectionTest('outgoing', smtp(server.port), engineOptions());
    expect(result.error).toMatchObject({
      code: 'rejected',
      responseCode: 550,
      reply: expect.stringContaining('User unknown'),
    });
    expect(result.error?.hint).toMatch(/recipient/);
  });

  it('fails a closed port as "refused" at the connect step, not by waiting out a timeout', async () => {
    server = await startServer(() => {});
    const port = server.port;
    await server.close();
    server = undefined;
    const { result } = await runConnectionTest('outgoing', smtp(port), engineOptions());
    // The refusal answers, not the connect timeout (that would be 'timeout'): no clock needed.
    expect(result.error?.code).toBe('refused');
    expect(result.steps.at(-1)).toMatchObject({ step: 'connect', ok: false });
  });

  it('fails a server that accepts and never greets as "greeting" within the greeting timeout', async () => {
    server = await startServer(() => {});
    const { result } = await runConnectionTest('outgoing', smtp(server.port), engineOptions());
    // The greeting timeout (500 ms in engineOptions) is the one that fired, not the command timeout.
    expect(result.error).toMatchObject({
      code: 'greeting',
      message: 'The server accepted the connection but sent no greeting within 500 ms',
    });
  });

  it('fails a server that stops answering mid-session as "timeout"', async () => {
    server = await startServer((s) => s.write('220 hello\r\n'));
    const { result } = await runConnectionTest('outgoing', smtp(server.port), engineOptions());
    expect(result.error).toMatchObject({ code: 'timeout', message: expect.stringContaining('EHLO') });
  });

  it('bounds a reply the server drips line by line', async () => {
    server = await startServer((s) => {
      s.write('220 hello\r\n');
      s.once('data', () => {
        const timer = setInterval(() => s.write('250-STILL-TALKING\r\n'), 200);
        s.on('close', () => clearInterval(timer));
      });
    });
    // One deadline for the whole reply: a per-line timer would never fire against a server that drips a
    // line every 200 ms, and this test would time out instead of ending on the 1000 ms command deadline.
    const { result } = await runConnectionTest('outgoing', smtp(server.port), engineOptions());
    expect(result.error).toMatchObject({ code: 'timeout', message: 'No answer to EHLO within 1000 ms' });
  });

  it('fails something that is not an SMTP server as "greeting"', async () => {
    server = await startServer((s) => s.write('+OK POP3 ready\r\n'));
    const { result } = await runConnectionTest('outgoing', smtp(server.port), engineOptions());
    expect(result.error).toMatchObject({ code: 'greeting', reply: '+OK POP3 ready' });
  });

  it('classifies a refused EHLO as "protocol"', async () => {
    server = await startServer((s) => {
      s.write('220 hi\r\n');
      s.on('data', () => s.write('421 4.3.0 shutting down\r\n'));
    });
    const { result } = await runConnectionTest('outgoing', smtp(server.port), engineOptions());
    expect(result.error?.code).toBe('protocol');
    expect(result.error?.reply).toContain('421');
  });

  it('refuses loopback as "blocked" when private hosts are not allowed, without connecting', async () => {
    let connected = false;
    server = await startServer(() => {
      connected = true;
    });
    const opts = engineOptions();
    const { result } = await runConnectionTest('outgoing', smtp(server.port), {
      ...opts,
      config: { ...opts.config, allowPrivateHosts: false },
    });
    expect(result.error?.code).toBe('blocked');
    expect(result.steps.map((s) => s.step)).toEqual(['resolve']);
    expect(connected).toBe(false);
  });

  it('fails an unknown host as "dns"', async () => {
    const { result } = await runConnectionTest(
      'outgoing',
      smtp(25, { host: 'no-such-host.invalid' }),
      engineOptions(),
    );
    expect(result.error?.code).toBe('dns');
  });
});
