import { guardedRequest } from '../door/http';
import { classifyFailure } from '../failures/classify';
import { httpReplyFailure } from '../failures/http';
import { redact } from '../security/redact';
import type { EndpointSigner } from './signer';

/** The start of a receiver's answer kept with the attempt: enough to read an error, bounded for storage. */
export const SNIPPET_CHARS = 500;

export type DeliveryAttempt = {
  ok: boolean;
  at: Date;
  durationMs: number;
  statusCode: number | null;
  errorCode: string | null;
  message: string | null;
  snippet: string | null;
};

/** The body every delivery of an event carries, the same on every retry (Standard Webhooks). */
export function payloadOf(event: { type: string; createdAt: Date; data: Record<string, unknown> }): string {
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
}

/**
 * Posts one signed event through the door (destination guard, no redirects, bounded time and size) and
 * says how it went: a 2xx is delivered; any other answer or no answer is a failure in the failure table's
 * classes, with the start of the answer redacted of the endpoint's secrets.
 */
export async function attemptDelivery({
  endpoint,
  eventId,
  body,
  timeoutMs,
  allowPrivateHosts,
  now = () => new Date(),
}: {
  endpoint: EndpointSigner;
  eventId: string;
  body: string;
  timeoutMs: number;
  allowPrivateHosts: boolean;
  now?: () => Date;
}): Promise<DeliveryAttempt> {
  const at = now();
  const started = performance.now();
  const elapsed = () => Math.max(0, Math.round(performance.now() - started));
  try {
    const res = await guardedRequest(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Mailroom-Webhooks/1',
        'webhook-id': eventId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': endpoint.sign(eventId, at, body),
      },
      body,
      timeoutMs,
      allowPrivateHosts,
    });
    const snippet = snippetOf(res.body, endpoint.secrets);
    if (res.status >= 200 && res.status < 300) {
      return {
        ok: true,
        at,
        durationMs: elapsed(),
        statusCode: res.status,
        errorCode: null,
        message: null,
        snippet,
      };
    }
    const f = httpReplyFailure({
      service: 'The receiver',
      status: res.status,
      what: 'the event',
      reply: snippet ?? undefined,
    });
    return {
      ok: false,
      at,
      durationMs: elapsed(),
      statusCode: res.status,
      errorCode: f.code,
      message: f.message,
      snippet,
    };
  } catch (err) {
    const host = safeHost(endpoint.url);
    const f = classifyFailure(err, host ? { host } : {});
    return {
      ok: false,
      at,
      durationMs: elapsed(),
      statusCode: null,
      errorCode: f.code,
      message: redact(f.message, endpoint.secrets).slice(0, SNIPPET_CHARS),
      snippet: null,
    };
  }
}

// Control characters other than tab and line breaks: a receiver's answer is shown on screen.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what it removes
const CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

function snippetOf(body: string, secrets: string[]): string | null {
  if (body.length === 0) return null;
  // Redact the whole answer first: a secret cut in half by the bound would escape the mask.
  const clean = redact(body.slice(0, SNIPPET_CHARS * 4), secrets).replace(CONTROL, '');
  return clean.length > SNIPPET_CHARS ? `${clean.slice(0, SNIPPET_CHARS)}…` : clean;
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
