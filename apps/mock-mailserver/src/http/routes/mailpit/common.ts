import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredMessage } from '../../../types.js';
import type { HttpContext } from '../../context.js';
import { HttpError, readBody } from '../../respond.js';
import type { RouteHandler, RouteRequest } from '../../router.js';

// What every Mailpit route shares: Mailpit's plain-text answers and errors (a client shows
// the text it gets), `latest` as an id, and its pagination parameters.

/** An error answered the way Mailpit answers it: plain text, or `{ Error }` on the send API. */
export class MailpitError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const NOT_FOUND = '404 page not found';

export function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Mailpit's answer to every change: a plain `ok`. */
export const ok = (res: ServerResponse) => plain(res, 200, 'ok');

/** Wraps a handler so a MailpitError becomes Mailpit's plain-text error. */
export function mailpit(handler: RouteHandler): RouteHandler {
  return async (request: RouteRequest) => {
    try {
      await handler(request);
    } catch (error) {
      if (error instanceof MailpitError) return plain(request.res, error.status, error.message);
      if (error instanceof HttpError) return plain(request.res, error.status, error.message);
      throw error;
    }
  };
}

/** The JSON body, or undefined when there is none; Mailpit's 400 with the parser's words otherwise. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = (await readBody(req, limit)).toString('utf8');
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new MailpitError(400, (error as Error).message);
  }
}

/** A body field that must be a list of strings when present. */
export function stringList(body: unknown, field: string): string[] | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new MailpitError(400, 'request body must be a JSON object');
  }
  const value = (body as Record<string, unknown>)[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new MailpitError(400, `${field} must be an array of strings`);
  }
  return value;
}

/** Received time in ms: what Mailpit calls Created. */
export const createdMs = (m: StoredMessage) => Date.parse(m.receivedAt);

/** Mailpit's `start` (default 0) and `limit` (default 50, 0 for all), and the `before` / `since` / `until` received-time bounds. */
export function pageParams(query: URLSearchParams) {
  const int = (name: string) => {
    const value = query.get(name);
    return value !== null && /^-?\d+$/.test(value.trim()) ? Number(value) : undefined;
  };
  const start = Math.max(0, int('start') ?? 0);
  const rawLimit = int('limit');
  const limit = rawLimit !== undefined && rawLimit > -1 ? rawLimit : 50;
  return {
    start,
    limit,
    before: timeParam(query, 'before'),
    since: timeParam(query, 'since'),
    until: timeParam(query, 'until'),
  };
}

/** A Unix time (seconds, or milliseconds past 1e12) or a date; an invalid one is ignored, as Mailpit does. */
function timeParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return n > 1e12 ? n : n * 1000;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whether a message falls within the `before` / `since` / `until` bounds of a page request. */
export function withinBounds(m: StoredMessage, page: ReturnType<typeof pageParams>): boolean {
  const created = createdMs(m);
  if (page.before !== undefined && !(created < page.before)) return false;
  if (page.since !== undefined && !(created >= page.since)) return false;
  if (page.until !== undefined && !(created <= page.until)) return false;
  return true;
}

/**
 * The message an id names: `latest` is the newest message, or the newest matching
 * `?query=` when given (search with `latestMatching`); 404 with Mailpit's words otherwise.
 */
export function resolveMessage(
  ctx: HttpContext,
  id: string,
  latestMatching?: () => StoredMessage | undefined,
): StoredMessage {
  if (id === 'latest') {
    const latest = latestMatching ? latestMatching() : ctx.store.list({}, { limit: 1 }).items[0];
    if (!latest) throw new MailpitError(404, 'Message not found');
    return latest;
  }
  const message = ctx.store.get(id);
  if (!message) throw new MailpitError(404, NOT_FOUND);
  return message;
}
