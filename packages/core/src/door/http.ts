import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ConnectionFailure } from '../connection/failure';
import { defaultHints } from '../connection/hints';
import { type Destination, resolveDestination } from './destination';
import { httpUrlProblem } from './httpUrl';

export type GuardedResponse = {
  status: number;
  /** The answer's headers, names in lower case (an API's error type may only be there: SES's `x-amzn-errortype`). */
  headers: IncomingHttpHeaders;
  body: string;
  destination: Destination;
};

export type GuardedRequestOptions = {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs: number;
  allowPrivateHosts: boolean;
  /** Extra trusted CAs (tests). */
  ca?: string | string[];
  /** Addresses already checked by the guard for this URL's host (a transport resolves once, then reuses them). */
  destination?: Destination;
};

/** A `lookup` that answers only with addresses already checked by the guard, so the socket cannot go elsewhere. */
export function pinnedLookup(dest: Destination): LookupFunction {
  return ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    const first = dest.addresses[0]!;
    if (options?.all) cb(null, dest.addresses);
    else cb(null, first.address, first.family);
  }) as unknown as LookupFunction;
}

const MAX_BODY = 256 * 1024;

/** An idle kept-alive socket is closed after this long (receivers usually keep theirs 5 s). */
export const IDLE_SOCKET_MS = 4000;
const MAX_POOLS = 256;

/**
 * Kept-alive sockets, one pool per CHECKED destination: protocol, the checked addresses the pinned lookup
 * answers with, port, TLS server name and trusted CAs. Every request is still resolved and checked by the
 * guard first; it then reuses a socket only when that check named the very same addresses, so a socket is
 * never shared across different checked addresses (a name that now resolves elsewhere gets a new pool).
 */
const pools = new Map<string, { agent: HttpAgent; usedAt: number }>();

function poolFor(u: URL, dest: Destination, ca: string | string[] | undefined): HttpAgent {
  const tls = u.protocol === 'https:';
  const key = [
    u.protocol,
    dest.addresses.map((a) => `${a.family}/${a.address}`).join(','),
    u.port || (tls ? '443' : '80'),
    dest.hostname,
    ca ? createHash('sha256').update([ca].flat().join('\n')).digest('hex') : '',
  ].join('|');
  const now = Date.now();
  const found = pools.get(key);
  if (found) {
    found.usedAt = now;
    return found.agent;
  }
  // Pools idle longer than their sockets hold nothing in use: drop them so the map stays small.
  for (const [k, p] of pools) {
    if (p.usedAt < now - IDLE_SOCKET_MS * 2 && Object.keys(p.agent.sockets).length === 0) {
      p.agent.destroy();
      pools.delete(k);
    }
  }
  if (pools.size >= MAX_POOLS) return new (tls ? HttpsAgent : HttpAgent)({ keepAlive: false });
  const options = {
    keepAlive: true,
    timeout: IDLE_SOCKET_MS,
    maxFreeSockets: 64,
    scheduling: 'lifo' as const,
  };
  const agent = tls ? new HttpsAgent(options) : new HttpAgent(options);
  pools.set(key, { agent, usedAt: now });
  return agent;
}

/** Closes every kept-alive socket (tests, shutdown). */
export function closeIdleConnections(): void {
  for (const p of pools.values()) p.agent.destroy();
  pools.clear();
}

/**
 * An HTTP(S) request through the destination guard (Mailgun API, OAuth2 token endpoints), bounded in time
 * and size: the host is resolved once and every address checked, the socket goes only to a checked address
 * (no second lookup), and a redirect is returned as it is, never followed.
 */
export async function guardedRequest(url: string, opts: GuardedRequestOptions): Promise<GuardedResponse> {
  const problem = httpUrlProblem(url, opts.allowPrivateHosts);
  if (problem) {
    throw new ConnectionFailure({
      code: 'blocked',
      message: `The URL ${safeUrl(url)} ${problem}`,
      hint: 'Use the https:// address of the API, without credentials in it.',
    });
  }
  const u = new URL(url);
  const dest =
    opts.destination && opts.destination.hostname === u.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '')
      ? opts.destination
      : await resolveDestination(u.hostname, {
          allowPrivateHosts: opts.allowPrivateHosts,
          timeoutMs: opts.timeoutMs,
        });
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: opts.method ?? 'GET',
        headers: {
          ...opts.headers,
          ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}),
        },
        lookup: pinnedLookup(dest),
        agent: poolFor(u, dest, opts.ca),
        timeout: opts.timeoutMs,
        ...(opts.ca ? { ca: opts.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY) chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            destination: dest,
          }),
        );
        res.on('error', reject);
      },
    );
    const timedOut = () =>
      req.destroy(
        new ConnectionFailure({
          code: 'timeout',
          message: `${u.host} did not answer within ${opts.timeoutMs} ms`,
          hint: defaultHints.timeout,
        }),
      );
    // `timeout` is per idle socket; the deadline also bounds a server that drips its answer slowly.
    const deadline = setTimeout(timedOut, opts.timeoutMs);
    req.on('timeout', timedOut);
    req.on('close', () => clearTimeout(deadline));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A URL as it may be shown: without credentials, query or fragment. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
