import { MailroomError } from '@mailroom/core';
import type { MiddlewareHandler } from 'hono';

/**
 * Refuses a NUL (`%00`) in the path or the query with a 400 naming where it is. No text column holds one,
 * so a search or an id carrying it used to reach the database and answer 500. Percent-decoding cannot
 * spell a lone surrogate (invalid sequences decode to U+FFFD), so a NUL is the one thing to refuse here;
 * JSON bodies are checked by utf8Body.
 */
export function urlText(): MiddlewareHandler {
  return async function refuseNul(c, next) {
    const url = new URL(c.req.url);
    if (/%00/.test(url.pathname)) throw nul('(path)');
    for (const [key, value] of url.searchParams) {
      if (key.includes('\0')) throw nul('(query)');
      if (value.includes('\0')) throw nul(key);
    }
    await next();
  };
}

function nul(path: string): MailroomError {
  const message = 'must not contain a NUL character (%00)';
  return new MailroomError('validation_failed', `${path}: ${message}`, { errors: [{ path, message }] });
}
