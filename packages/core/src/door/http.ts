import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
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
