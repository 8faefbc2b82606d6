// Findings 5 and 6 of the security audit: the Test button (POST /connection-tests) must not send a stored
// secret anywhere, or over anything, that PATCH would refuse without the secret typed again; and testing
// unsaved settings (the server connects where the caller says) needs the right to edit accounts.
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, listener, tlsFixture } from './support/servers';
import { startTarget, type Target } from './support/target';

const USER = 'sales@example.com';
const PASSWORD = 'Stored-Only-pw-5150';
const CLIENT_SECRET = 'oauth-client-secret-7d1e';
const REFRESH_TOKEN = 'oauth-refresh-token-93ac';
const API_KEY = 'key-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e';

/** Every form a stored secret could take on the wire: clear, base64, and inside SASL PLAIN. */
function forms(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(`\0${USER}\0${secret}`).toString('base64'),
  ];
}

type Recorder = { port: number; connections: number; lines: string[]; close(): Promise<void> };

/**
 * A scripted SMTP server that offers AUTH but never STARTTLS, and records every line a client sends
 * (over TLS from the first byte when `tls`), so a test can tell whether a password crossed the wire.
 */
async function smtpRecorder(opts: { tls?: boolean } = {}): Promise<Recorder> {
  const sockets = new Set<Socket>();
  const rec: Recorder = { port: 0, connections: 0, lines: [], close: async () => {} };
  const server: Server = createServer((raw) => {
    rec.connections++;
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    const socket = opts.tls
      ? new TLSSocket(raw, { isServer: true, key: tlsFixture.key, cert: tlsFixture.cert })
      : raw;
    socket.on('error', () => {});
    const say = (s: string) => socket.write(`${s}\r\n`);
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        rec.lines.push(line);
        const verb = line.split(' ')[0]?.toUpperCase();
        if (verb === 'EHLO') say('250-recorder.test\r\n250 AUTH PLAIN LOGIN');
        else if (verb === 'AUTH') say('235 2.7.0 ok');
        else if (verb === 'QUIT') say('221 bye');
        else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET') say('250 ok');
        else say('502 5.5.2 command not recognized');
      }
    });
    say('220 recorder.test ESMTP');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  rec.port = (server.address() as { port: number }).port;
  rec.close = () =>
    new Promise<void>((ok) => {
      for (const s of sockets) s.destroy();
      server.close(() => ok());
    });
  return rec;
}

let target: Target;
beforeAll(async () => {
  // Loopback allowed: the servers the product is lured to live on 127.0.0.1.
  target = await startTarget({ MAILROOM_ALLOW_PRIVATE_HOSTS: 'true' });
});
afterAll(async () => {
  await target?.close();
});

const opened: Array<Recorder | Listener> = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
async function recorder(opts: { tls?: boolean } = {}): Promise<Recorder> {
  const r = await smtpRecorder(opts);
  opened.push(r);
  return r;
}
async function http(): Promise<Listener> {
  const l = await listener();
  opened.push(l);
  return l;
}

let n = 0;
async function saveAccount(body: Record<string, unknown>, teamId: string | null = null): Promise<string> {
  const r = await target.admin.call('POST', '/api/v1/accounts', { name: `Stored ${++n}`, teamId, ...body });
  expect(r.status, r.text).toBe(201);
  return r.body.id as string;
}

const smtp = (port: number, extra: Record<string, unknown> = {}) => ({
  transport: 'smtp',
  host: '127.0.0.1',
  port,
  security: 'starttls',
  allowInvalidCertificates: false,
  auth: { method: 'password', username: USER, password: PASSWORD },
  from: { address: USER },
  ...extra,
});
/** The same settings as the form sends them back: the stored password is left blank. */
const blank = { method: 'password', username: USER };

describe('the Test button cannot weaken how a stored secret travels (finding 5)', () => {
  it('security "none" on the same host and port: 422 secret_required, the password never sent in clear', async () => {
    const server = await recorder();
    const accountId = await saveAccount({ outgoing: smtp(server.port) });
    const r = await target.admin.call('POST', '/api/v1/connection-tests', {
      accountId,
      direction: 'outgoing',
      outgoing: smtp(server.port, { security: 'none', auth: blank }),
    });
    expect(r.status, r.text).toBe(422);
    expect(r.body).toMatchObject({ code: 'secret_required', errors: [{ path: 'outgoing.auth.password' }] });
    expect(r.body.errors[0].message).toMatch(/encryption/);
    const wire = server.lines.join('\n');
    for (const f of forms(PASSWORD)) expect(wire).not.toContain(f);
    expect(server.connections).toBe(0);
  });

  it('allowInvalidCertificates on the same host and port: 422, no password to an unverified certificate', async () => {
    const server = await recorder({ tls: true });
    const accountId = await saveAccount({ outgoing: smtp(server.port, { security: 'tls' }) });
    const r = await target.admin.call('POST', '/api/v1/connection-tests', {
      accountId,
      direction: 'outgoing',
      outgoing: smtp(server.port, { security: 'tls', allowInvalidCertificates: true, auth: blank }),
    });
    expect(r.status, r.text).toBe(422);
    expect(r.body).toMatchObject({ code: 'secret_required', errors: [{ path: 'outgoing.auth.password' }] });
    expect(r.body.errors[0].message).toMatch(/certificate/);
    const wire = server.lines.join('\n');
    for (const f of forms(PASSWORD)) expect(wire).not.toContain(f);
  });

  it('the stored settings still test with the stored password, and a typed password may go anywhere', async () => {
    const server = await recorder();
    const accountId = await saveAccount({ outgoing: smtp(server.port) });
    // Same settings: the stored password is reused; the server offers no STARTTLS, so the test stops
    // at the tls step with class "tls" before any AUTH.
    const same = await target.admin.call('POST', '/api/v1/connection-tests', {
      accountId,
      direction: 'outgoing',
      outgoing: smtp(server.port, { auth: blank }),
    });
    expect(same.status, same.text).toBe(200);
    expect(same.body).toMatchObject({ ok: false, error: { code: 'tls' } });
    expect(server.lines.some((l) => l.startsWith('AUTH'))).toBe(false);
    // The person typed the password again: their choice to send it in clear.
    const typed = await target.admin.call('POST', '/api/v1/connection-tests', {
      accountId,
      direction: 'outgoing',
      outgoing: smtp(server.port, {
        security: 'none',
        auth: { ...blank, password: 'typed-again-pw' },
      }),
    });
    expect(typed.status, typed.text).toBe(200);
    expect(typed.body.ok).toBe(true);
  });

  it('an incoming part: encryption off with the stored password is refused the same way', async () => {
    const server = await recorder();
    const accountId = await saveAccount({
      incoming: {
        protocol: 'imap',
        host: '127.0.0.1',
        port: server.port,
        security: 'tls',
        auth: { method: 'password', username: USER, password: PASSWORD },
      },
    });
    const r = await target.admin.call('POST', '/api/v1/connection-tests', {
      accountId,
      direction: 'incoming',
      incoming: {
        protocol: 'imap',
        host: '127.0.0.1',
        port: server.port,
        security: 'none',
        auth: blank,
      },
    });
    expect(r.status, r.text).toBe(422);
    expect(r.body).toMatchObject({ code: 'secret_required', errors: [{ path: 'incoming.auth.password' }] });
    expect(server.connections).toBe(0);
  });

  it('OAuth2: another token URL needs both the refresh token and the client secret again', async () => {
    const server = await recorder();
    const issuer = await http();
    const trap = await http();
    const oauth = (tokenUrl: string, extra: Record<string, unknown> = {}) => ({
      method: 'oauth2',
      username: USER,
      clientId: 'mailroom-client',
      tokenUrl,
      ...extra,
    });
    const accountId = await saveAccount({
      outgoing: smtp(server.port, {
        auth: oauth(`${issuer.url}/token`, { clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN }),
      }),
    });
    const moved = await target.admin.call('POST', '/api/v1/connection-tests', {
      accountId,
      direction: 'outgoing',
      outgoing: smtp(server.port, { auth: oauth(`${trap.url}/token`) }),
    });
    expect(moved.status, moved.text).toBe(422);
    expect(moved.body.code).toBe('secret_required');
    expect(moved.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'outgoing.auth.clientSecret',
      'outgoing.auth.refreshToken',
    ]);
    // A refresh token typed again does not carry the stored client secret to the new token URL either.
    const half = await target.admin.call('POST', '/api/v1/connection-tests', {
      accountId,
      direction: 'outgoing',
      outgoing: smtp(server.port, { auth: oauth(`${trap.url}/token`, { refreshToken: 'typed-refresh' }) }),
    });
    expect(half.status, half.text).toBe(422);
    expect(half.body.errors).toEqual([{ path: 'outgoing.auth.clientSecret', message: expect.any(String) }]);
    expect(trap.seen).toEqual([]);
  });

  it('Mailgun: another base URL needs the API key again', async () => {
    const api = await http();
    const trap = await http();
    const mailgun = (baseUrl: string, extra: Record<string, unknown> = {}) => ({
      transport: 'mailgun',
      domain: 'mg.example.com',
      baseUrl,
      from: { address: USER },
      ...extra,
    });
    const accountId = await saveAccount({ outgoing: mailgun(api.url, { apiKey: API_KEY }) });
    const r = await target.admin.call('POST', '/api/v1/connection-tests', {
      accountId,
      direction: 'outgoing',
      outgoing: mailgun(trap.url),
    });
    expect(r.status, r.text).toBe(422);
    expect(r.body).toMatchObject({ code: 'secret_required', errors: [{ path: 'outgoing.apiKey' }] });
    expect(trap.seen).toEqual([]);
  });
});

describe('testing unsaved settings needs the right to edit accounts (finding 6)', () => {
  const unsaved = (port: number) => ({
    direction: 'outgoing',
    outgoing: smtp(port, { security: 'none', auth: { method: 'none' } }),
  });

  it('a viewer cannot make the server connect anywhere: 403, no connection', async () => {
    const server = await recorder();
    const viewer = await target.client('viewer');
    const r = await viewer.call('POST', '/api/v1/connection-tests', unsaved(server.port));
    expect(r.status, r.text).toBe(403);
    expect(r.body.code).toBe('forbidden');
    expect(server.connections).toBe(0);
  });

  it('a team admin of a team and an admin can (they could save these settings and test them)', async () => {
    const server = await recorder();
    const teamAdmin = await target.client('team_admin', [await target.team()]);
    const allowed = await teamAdmin.call('POST', '/api/v1/connection-tests', unsaved(server.port));
    expect(allowed.status, allowed.text).toBe(200);
    expect(allowed.body.ok).toBe(true);
    const admin = await target.admin.call('POST', '/api/v1/connection-tests', unsaved(server.port));
    expect(admin.status, admin.text).toBe(200);
    expect(server.connections).toBe(2);
  });

  it("with an accountId, the caller needs edit rights on that account (viewer, another team's admin)", async () => {
    const server = await recorder();
    const team = await target.team();
    const accountId = await saveAccount({ outgoing: smtp(server.port) }, team);
    const body = { accountId, ...unsaved(server.port) };
    const viewer = await target.client('viewer');
    expect((await viewer.call('POST', '/api/v1/connection-tests', body)).status).toBe(403);
    // Another team's account is not even visible to this team admin: 404, as everywhere else.
    const other = await target.client('team_admin', [await target.team()]);
    expect((await other.call('POST', '/api/v1/connection-tests', body)).status).toBe(404);
    const own = await target.client('team_admin', [team]);
    expect((await own.call('POST', '/api/v1/connection-tests', body)).status).toBe(200);
    expect(server.connections).toBe(1);
  });
});
