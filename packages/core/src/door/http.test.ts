import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionFailure } from '../connection/failure';
import { closeIdleConnections, guardedRequest } from './http';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1], host = '127.0.0.1'): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, host, r));
  return (server.address() as { port: number }).port;
}

describe('guardedRequest', () => {
  it('reuses a kept-alive socket for the same checked address, never for another one', async () => {
    closeIdleConnections();
    const peers: string[] = [];
    const port = await listen((_req, res) => res.end('ok'), '0.0.0.0');
    server?.on('connection', (s) => peers.push(s.localAddress ?? ''));
    const opts = { timeoutMs: 2000, allowPrivateHosts: true };
    await guardedRequest(`http://127.0.0.1:${port}/a`, opts);
    await guardedRequest(`http://127.0.0.1:${port}/b`, opts);
    expect(peers).toHaveLength(1);
    // Another checked address (same server, same port): its own connection.
    await guardedRequest(`http://127.0.0.2:${port}/c`, opts);
    expect(peers).toHaveLength(2);
    // Each request still passes the guard: a refused destination is refused before any socket.
    const err = await guardedRequest(`http://127.0.0.1:${port}/d`, {
      ...opts,
      allowPrivateHosts: false,
    }).catch((e) => e);
    expect((err as ConnectionFailure).info.code).toBe('blocked');
    expect(peers).toHaveLength(2);
    closeIdleConnections();
  });

  it('answers through the checked address', async () => {
    const port = await listen((_req, res) => res.end('{"ok":true}'));
    const res = await guardedRequest(`http://localhost:${port}/x`, {
      timeoutMs: 1000,
      allowPrivateHosts: true,
    });
    expect(res).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(res.destination.addresses[0]?.address).toBe('127.0.0.1');
  });

  it('refuses a private destination before connecting', async () => {
    let hit = false;
    const port = await listen((_req, res) => {
      hit = true;
      res.end();
    });
    const err = await guardedRequest(`http://127.0.0.1:${port}/`, {
      timeoutMs: 1000,
      allowPrivateHosts: false,
    }).catch((e) => e);
    expect((err as ConnectionFailure).info.code).toBe('blocked');
    expect(hit).toBe(false);
  });

  // However the URL spells it, the host the request would go to is what the guard checks.
  it.each([
    'https://0x7f.1/',
    'https://127.1/',
    'https://2130706433/',
    'https://[::ffff:7f00:1]/',
    'https://[0:0:0:0:0:ffff:127.0.0.1]/',
    'https://127.0.0.1#@44.0.0.1/',
    'https://127.0.0.1\\@44.0.0.1/',
    'https://%31%32%37.0.0.1/',
    'https://\u2460\u2461\u2466.0.0.1/',
    'HTTPS://LOCALHOST./',
    'https://[64:ff9b::a9fe:a9fe]/',
  ])('refuses %s as blocked', async (url) => {
    const err = await guardedRequest(url, { timeoutMs: 1000, allowPrivateHosts: false }).catch((e) => e);
    expect((err as ConnectionFailure).info.code).toBe('blocked');
  });

  it('bounds a server that drips its answer slowly', async () => {
    const port = await listen((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const err = await guardedRequest(`http://127.0.0.1:${port}/`, {
      timeoutMs: 400,
      allowPrivateHosts: true,
    }).catch((e) => e);
    // The whole answer is bounded, not each chunk: the dripping server never finishes in time.
    expect(err).toBeInstanceOf(ConnectionFailure);
    expect((err as ConnectionFailure).info.code).toBe('timeout');
  });

  it.each([
    [301, '/elsewhere'],
    [302, 'http://169.254.169.254/latest/meta-data/'],
    [303, '/elsewhere'],
    [307, '/elsewhere'],
    [308, '/elsewhere'],
    [308, 'file:///etc/passwd'],
    [302, 'gopher://127.0.0.1:25/_EHLO'],
  ])('returns a %i to %s as it is and never follows it', async (status, location) => {
    let requests = 0;
    const port = await listen((_req, res) => {
      requests++;
      res.writeHead(status, { location });
      res.end();
    });
    const res = await guardedRequest(`http://127.0.0.1:${port}/start`, {
      method: 'POST',
      body: 'secret=1',
      timeoutMs: 1000,
      allowPrivateHosts: true,
    });
    expect(res.status).toBe(status);
    expect(requests).toBe(1);
  });

  it('connects to the destination it is given, without a second lookup (no DNS rebinding window)', async () => {
    // Only 127.0.0.2 listens; a fresh lookup of localhost would answer 127.0.0.1 (or ::1) and be refused.
    const port = await listen((_req, res) => res.end('pinned'), '127.0.0.2');
    const res = await guardedRequest(`http://localhost:${port}/`, {
      timeoutMs: 1000,
      allowPrivateHosts: true,
      destination: { hostname: 'localhost', addresses: [{ address: '127.0.0.2', family: 4 }] },
    });
    expect(res.body).toBe('pinned');
  });

  it.each([
    ['http:// off loopback', 'http://10.1.2.3/v3', true, 'https://'],
    ['http:// while private hosts are refused', 'http://127.0.0.1:9/v3', false, 'https://'],
    ['credentials in the URL', 'https://api:key-1@api.mailgun.net/v3', true, 'username or password'],
    ['another scheme', 'ftp://api.mailgun.net/', true, 'https://'],
    ['credentials before a public host', 'https://127.0.0.1:443@44.0.0.1/', false, 'username or password'],
    ['a bare username', 'https://key-1@api.mailgun.net/', true, 'username or password'],
    [
      'http:// to a private name while private hosts are allowed',
      'http://10.0.0.1.nip.io/',
      true,
      'https://',
    ],
    [
      'http:// to a decimal loopback while private hosts are refused',
      'http://2130706433/',
      false,
      'https://',
    ],
  ])('refuses %s before any lookup', async (_what, url, allowPrivateHosts, message) => {
    const err = await guardedRequest(url, { timeoutMs: 1000, allowPrivateHosts }).catch((e) => e);
    expect((err as ConnectionFailure).info.code).toBe('blocked');
    expect((err as ConnectionFailure).info.message).toContain(message);
    // The credentials never reach the message.
    expect((err as ConnectionFailure).info.message).not.toContain('key-1');
  });
});
