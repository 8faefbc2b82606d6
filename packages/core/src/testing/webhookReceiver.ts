import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type ReceivedWebhook = {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** The body parsed, when the signature verified with one of the receiver's secrets. */
  payload: { type: string; timestamp: string; data: Record<string, unknown> } | null;
  /** Which secret verified it (index into `secrets`), or -1. */
  verifiedWith: number;
};

/** How the receiver answers one request: a status (and body), after an optional delay, or never. */
export type ReceiverReply = { status: number; body?: string; delayMs?: number } | 'hang' | 'destroy';

export type WebhookReceiver = {
  url: string;
  port: number;
  /** Every request, in arrival order, verified or not. */
  received: ReceivedWebhook[];
  /** The distinct webhook-ids of the requests answered 2xx. */
  acknowledged: Set<string>;
  /** Secrets the signatures are verified with (whsec_…); set after creating the endpoint. */
  secrets: string[];
  /** Decides the answer to each request (default: 200 `ok`). */
  reply: (req: ReceivedWebhook, n: number) => ReceiverReply;
  /** Resolves once `pred` holds, re-checked on every request; rejects after `timeoutMs` with what it saw. */
  until(pred: (r: WebhookReceiver) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

/**
 * A local webhook receiver for tests and benchmarks: node:http on 127.0.0.1 port 0, verifying each
 * request's Standard Webhooks signature with the `standardwebhooks` package, as an integrator would.
 */
export async function startWebhookReceiver(opts: { secrets?: string[] } = {}): Promise<WebhookReceiver> {
  const listeners = new Set<() => void>();
  const hanging = new Set<ServerResponse>();
  let n = 0;
  const receiver: WebhookReceiver = {
    url: '',
    port: 0,
    received: [],
    acknowledged: new Set(),
    secrets: opts.secrets ?? [],
    reply: () => ({ status: 200, body: 'ok' }),
    until(pred, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pred(receiver)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `receiver: condition not met within ${timeoutMs} ms (${receiver.received.length} requests, ${receiver.acknowledged.size} acknowledged)`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const h = (name: string) => String(req.headers[name] ?? '');
      const r: ReceivedWebhook = {
        id: h('webhook-id'),
        timestamp: h('webhook-timestamp'),
        signature: h('webhook-signature'),
        body,
        headers: req.headers,
        payload: null,
        verifiedWith: -1,
      };
      for (const [i, secret] of receiver.secrets.entries()) {
        try {
          r.payload = new Webhook(secret).verify(body, {
            'webhook-id': r.id,
            'webhook-timestamp': r.timestamp,
            'webhook-signature': r.signature,
          }) as ReceivedWebhook['payload'];
          r.verifiedWith = i;
          break;
        } catch {
          // Not this secret.
        }
      }
      n += 1;
      receiver.received.push(r);
      const answer = receiver.reply(r, n);
      const notify = () => {
        for (const l of [...listeners]) l();
      };
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        notify();
        return;
      }
      if (answer === 'destroy') {
        req.socket.destroy();
        notify();
        return;
      }
      const send = () => {
        res.writeHead(answer.status, { 'content-type': 'text/plain' });
        res.end(answer.body ?? '', () => {
          if (answer.status >= 200 && answer.status < 300) receiver.acknowledged.add(r.id);
          notify();
        });
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
  return receiver;
}
