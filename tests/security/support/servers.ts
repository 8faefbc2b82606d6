import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The addresses security/netns.sh puts on the namespace's `lo`: public to the guard, local to the machine. */
export const PUBLIC_A = '44.0.0.1';
export const PUBLIC_B = '44.0.0.2';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
/** A certificate for 44.0.0.1, 44.0.0.2, 127.0.0.1, localhost and public.test, signed by fixtures/ca.pem. */
export const tlsFixture = {
  key: readFileSync(join(fixtures, 'server.key'), 'utf8'),
  cert: readFileSync(join(fixtures, 'server.pem'), 'utf8'),
  ca: readFileSync(join(fixtures, 'ca.pem'), 'utf8'),
};

export type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: string };

export type Listener = {
  url: string;
  port: number;
  /** Every request that reached this listener. */
  seen: Seen[];
  close(): Promise<void>;
};

type Handler = (req: Seen, res: ServerResponse) => void;

/**
 * An HTTP(S) listener that records every request and answers with `handler` (200 "ok" by default).
 * A trap on 127.0.0.1 tells whether the product reached a private address it must not reach.
 */
export async function listener(
  opts: { host?: string; tls?: boolean; handler?: Handler } = {},
): Promise<Listener> {
  const host = opts.host ?? '127.0.0.1';
  const seen: Seen[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(s);
      if (opts.handler) opts.handler(s, res);
      else res.end('ok');
    });
  };
  const server = opts.tls
    ? createHttpsServer({ key: tlsFixture.key, cert: tlsFixture.cert }, onRequest)
    : createServer(onRequest);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const url = `${opts.tls ? 'https' : 'http'}://${host}:${port}`;
  return {
    url,
    port,
    seen,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
