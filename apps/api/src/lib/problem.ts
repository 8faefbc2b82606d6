import { type ErrorCode, errorCodes, MailroomError, validationError } from '@mailroom/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

/** The HTTP status the closed union gives a code: `problem()` only takes this status with that code. */
export type StatusOf<C extends ErrorCode> = (typeof errorCodes)[C];

/**
 * Writes an RFC 9457 problem+json response. `code` is one of the closed union in @mailroom/core's errors.ts
 * and `status` must be the one the union gives it, so a stray code or a mismatched status does not compile.
 */
export function problem<C extends ErrorCode>(
  c: Context,
  status: StatusOf<C>,
  code: C,
  detail: string,
  extra: { errors?: Array<{ path: string; message: string }>; hint?: string; [k: string]: unknown } = {},
): Response {
  const fixed = {
    type: `https://mailroom.dev/problems/${code.replace(/_/g, '-')}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
  };
  return c.body(
    // `extra` adds fields (errors, hint, attemptsLeft …) but never replaces the five above.
    JSON.stringify({ ...fixed, ...extra, ...fixed }),
    status as ContentfulStatusCode,
    { 'content-type': 'application/problem+json' },
  );
}

/**
 * The code of an HTTP exception thrown by Hono or a middleware (malformed JSON, body limit). A status the
 * union has no code for is answered with the nearest one: another client error is a 400, anything else a 500.
 */
export function codeForHttpStatus(status: number): ErrorCode {
  const byStatus: Partial<Record<number, ErrorCode>> = {
    400: 'validation_failed',
    401: 'unauthenticated',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    413: 'payload_too_large',
    429: 'rate_limited',
  };
  return byStatus[status] ?? (status >= 400 && status < 500 ? 'validation_failed' : 'internal');
}

/** The one place that maps errors to responses: MailroomError codes, zod errors, HTTP exceptions; the rest is 500. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof ZodError) err = validationError(err);
  if (err instanceof MailroomError) {
    return problem(c, errorCodes[err.code], err.code, err.message, {
      ...(err.errors ? { errors: err.errors } : {}),
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.extra ?? {}),
    });
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 400 && /json/i.test(err.message))
      return problem(c, 400, 'validation_failed', 'The body is not valid JSON', {
        errors: [{ path: '(body)', message: 'must be valid JSON' }],
      });
    const code = codeForHttpStatus(status);
    return problem(c, errorCodes[code], code, err.message || titles[status] || 'Error');
  }
  const dbCode = databaseErrorCode(err);
  if (dbCode === '23505') {
    // A unique index caught a race the verb's own check could not see (two creates at once).
    const constraint = databaseConstraint(err);
    if (constraint.startsWith('accounts_name')) {
      return problem(c, 409, 'name_taken', 'An account with this name already exists', {
        errors: [{ path: 'name', message: 'is already used by another account' }],
      });
    }
    return problem(
      c,
      409,
      'conflict',
      'This conflicts with a record that was saved at the same moment; try again',
    );
  }
  // Unknown errors: log what failed on the server, never query parameters (ciphertexts, hashes) and
  // never internals to the client.
  const cause = (err as { cause?: { message?: string } }).cause;
  console.error(
    `mailroom: unhandled error: ${err.name}: ${cause?.message ?? err.message.split('\nparams:')[0]}`,
  );
  return problem(c, 500, 'internal', 'Something went wrong on our side; the server log has the details');
}

/** The SQLSTATE of a database error (postgres.js and PGlite), possibly wrapped by Drizzle. */
function databaseErrorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

function databaseConstraint(err: unknown): string {
  for (
    let e = err as { constraint?: unknown; constraint_name?: unknown; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    const name = e.constraint_name ?? e.constraint;
    if (typeof name === 'string') return name;
  }
  return '';
}
