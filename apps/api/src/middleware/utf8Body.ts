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
 * the client had sent it. The bytes are read once into Hono's body cache, so the validators and
 * handlers after this read the same body without touching the stream again; the body limit set before
 * this middleware still applies to that read.
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
    await next();
  };
}
