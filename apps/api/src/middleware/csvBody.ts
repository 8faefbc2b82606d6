import { MailroomError } from '@mailroom/core';
import type { MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** A `text/csv` request body, read and checked by `csvBody()`. */
    csvText: string;
  }
}

type Options = {
  /** The largest body taken, in bytes (an import of a long list goes in several files). */
  maxBytes?: number;
};

/**
 * Reads a `text/csv` body (Hono's validators take only JSON and forms) into `csvText`: UTF-8 or a 400, at
 * most `maxBytes` or a 413, another media type a 400 naming the Content-Type. Routes declare the body in
 * their OpenAPI document and read it from the context.
 */
export function csvBody({ maxBytes = 10 * 1024 * 1024 }: Options = {}): MiddlewareHandler {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return async function readCsv(c, next) {
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== 'text/csv' && type !== 'text/plain') {
      throw new MailroomError('validation_failed', 'The body must be text/csv', {
        errors: [{ path: 'content-type', message: 'must be text/csv (lines of address,reason)' }],
      });
    }
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > maxBytes) {
      throw new MailroomError('payload_too_large', `The CSV is larger than ${maxBytes} bytes`, {
        hint: 'Split the list into several files.',
      });
    }
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength > maxBytes) {
      throw new MailroomError('payload_too_large', `The CSV is larger than ${maxBytes} bytes`, {
        hint: 'Split the list into several files.',
      });
    }
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new MailroomError('validation_failed', 'The body is not valid UTF-8', {
        errors: [{ path: '(body)', message: 'must be valid UTF-8 text' }],
      });
    }
    if (text.includes('\0')) {
      throw new MailroomError('validation_failed', 'The body holds a NUL character', {
        errors: [{ path: '(body)', message: 'must not contain NUL characters' }],
      });
    }
    c.set('csvText', text);
    await next();
  };
}
