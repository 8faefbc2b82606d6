import { MailroomError } from '@mailroom/core';
import type { MiddlewareHandler } from 'hono';

type Options = {
  /** Media types whose bodies must be UTF-8; by default JSON (`application/json`, `application/*+json`). */
  mediaType?: RegExp;
};

// The same test Hono's JSON validator applies, so every body it would parse is checked first.
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Refuses a JSON body that is not valid UTF-8 (RFC 8259 requires it) with a 400 naming the body.
 * Without it, the JSON parser replaces each bad byte with U+FFFD and the damaged text is saved as if
 * the client had sent it. Escapes can still spell what no text column holds: a NUL (`\u0000`) or a lone
 * surrogate (`\ud800`, which no UTF-8 encodes: the driver would write U+FFFD, jsonb refuses it); those are
 * refused too, naming the field (the body is parsed for that only when it holds a backslash). The bytes
 * are read once into Hono's body cache, so the validators and handlers after this read the same body
 * without touching the stream again; the body limit set before this middleware still applies to that read.
 */
export function utf8Body({ mediaType = JSON_MEDIA_TYPE }: Options = {}): MiddlewareHandler {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return async function requireUtf8(c, next) {
    const type = c.req.header('content-type')?.split(';')[0]?.trim() ?? '';
    if (!c.req.raw.body || !mediaType.test(type)) return next();
    const bytes = await c.req.arrayBuffer();
    try {
      decoder.decode(bytes);
    } catch {
      throw new MailroomError('validation_failed', 'The body is not valid UTF-8', {
        errors: [{ path: '(body)', message: 'must be valid UTF-8 text' }],
      });
    }
    // Only an escape spells a NUL or a surrogate: raw NULs are invalid JSON, raw surrogates invalid UTF-8.
    if (new Uint8Array(bytes).includes(BACKSLASH)) {
      // A body that does not parse is left to the validator, which says so in its own words.
      const parsed: unknown = await c.req.json().catch(() => undefined);
      const bad = unstorableText(parsed);
      if (bad) {
        const field = bad.path || '(body)';
        throw new MailroomError('validation_failed', `${field}: ${bad.message}`, {
          errors: [{ path: field, message: bad.message }],
        });
      }
    }
    await next();
  };
}

const BACKSLASH = 0x5c;
/** A NUL, or a surrogate that is not half of a pair. */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first string of a parsed JSON value (a key or a value) that no text column can hold, with its path
 * (`headers.X-Campaign`, `to.0`). Walked with a stack, not recursion: the body may nest thousands deep.
 */
export function unstorableText(value: unknown): { path: string; message: string } | null {
  const stack: Array<{ v: unknown; path: string }> = [{ v: value, path: '' }];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const problem = (s: string) => {
    const m = UNSTORABLE.exec(s);
    if (!m) return null;
    return m[0] === '\0'
      ? 'must not contain a NUL character (\\u0000)'
      : 'must be Unicode text: it holds half of a surrogate pair';
  };
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const message = problem(v);
      if (message) return { path, message };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: join(path, String(i)) });
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v).reverse()) {
        const message = problem(k);
        if (message) return { path: join(path, k), message };
        stack.push({ v: x, path: join(path, k) });
      }
    }
  }
  return null;
}
