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

async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
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
    const started = performance.now();
    const err = await guardedRequest(`http://127.0.0.1:${port}/`, {
      timeoutMs: 400,
      allowPrivateHosts: true,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionFailure);
    expect((err as ConnectionFailure).info.code).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
