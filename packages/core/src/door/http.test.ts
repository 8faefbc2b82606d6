import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionFailure } from '../connection/failure';
import { guardedRequest } from './http';

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

  it('returns a redirect as it is and never follows it', async () => {
    let followed = false;
    const port = await listen((req, res) => {
      if (req.url === '/elsewhere') followed = true;
      res.writeHead(307, { location: '/elsewhere' });
      res.end();
    });
    const res = await guardedRequest(`http://127.0.0.1:${port}/start`, {
      method: 'POST',
      body: 'secret=1',
      timeoutMs: 1000,
      allowPrivateHosts: true,
    });
    expect(res.status).toBe(307);
    expect(followed).toBe(false);
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
  ])('refuses %s before any lookup', async (_what, url, allowPrivateHosts, message) => {
    const err = await guardedRequest(url, { timeoutMs: 1000, allowPrivateHosts }).catch((e) => e);
    expect((err as ConnectionFailure).info.code).toBe('blocked');
    expect((err as ConnectionFailure).info.message).toContain(message);
    // The credentials never reach the message.
    expect((err as ConnectionFailure).info.message).not.toContain('key-1');
  });
});
