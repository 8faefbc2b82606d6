import { MailroomError, validationError } from '@mailroom/core';
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

/** Writes an RFC 9457 problem+json response. */
export function problem(
  c: Context,
  status: number,
  code: string,
  detail: string,
  extra: { errors?: Array<{ path: string; message: string }>; hint?: string; [k: string]: unknown } = {},
): Response {
  return c.body(
    JSON.stringify({
      type: `https://mailroom.dev/problems/${code.replace(/_/g, '-')}`,
      title: titles[status] ?? 'Error',
      status,
      detail,
      code,
      ...extra,
    }),
    status as ContentfulStatusCode,
    { 'content-type': 'application/problem+json' },
  );
}

/** The one place that maps errors to responses: MailroomError codes, zod errors, HTTP exceptions; the rest is 500. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof ZodError) err = validationError(err);
  if (err instanceof MailroomError) {
    return problem(c, err.status, err.code, err.message, {
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
    return problem(
      c,
      status,
      status === 413 ? 'payload_too_large' : 'http_error',
      err.message || titles[status] || 'Error',
    );
  }
  // Unknown errors: log the stack on the server, never send internals (or secrets) to the client.
  console.error('mailroom: unhandled error', err);
  return problem(c, 500, 'internal', 'Something went wrong on our side; the server log has the details');
}
