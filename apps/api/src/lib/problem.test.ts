import { type ErrorCode, errorCodes, MailroomError, problemSchema } from '@mailroom/core';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { codeForHttpStatus, onError, problem } from './problem';

const codes = Object.keys(errorCodes) as ErrorCode[];

/** An app whose only route throws `err`, answered by the API's one onError. */
async function answer(err: Error) {
  const app = new Hono();
  app.onError(onError);
  app.get('/', () => {
    throw err;
  });
  const res = await app.request('/');
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return { status: res.status, body: problemSchema.loose().parse(await res.json()) };
}

/** Every problem the API answers carries a code of the closed union, with the status the union gives it. */
function expectInUnion({ status, body }: { status: number; body: { code: string; status: number } }) {
  expect(codes).toContain(body.code);
  expect(status).toBe(errorCodes[body.code as ErrorCode]);
  expect(body.status).toBe(status);
}

describe('problem+json: every code the API answers is in the closed union', () => {
  it('answers each MailroomError with its own code and the status the union gives it', async () => {
    for (const code of codes) {
      const r = await answer(new MailroomError(code, `a ${code}`));
      expectInUnion(r);
      expect(r.body).toMatchObject({ code, detail: `a ${code}`, type: expect.stringContaining(code[0]!) });
    }
  });

  it('maps the HTTP exceptions of Hono and its middleware to codes of the union, never a stray one', async () => {
    const seen = new Map<number, string>();
    for (const status of [400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 503] as const) {
      const r = await answer(new HTTPException(status, { message: `status ${status}` }));
      expectInUnion(r);
      seen.set(status, r.body.code);
    }
    expect(Object.fromEntries(seen)).toEqual({
      400: 'validation_failed',
      401: 'unauthenticated',
      403: 'forbidden',
      404: 'not_found',
      405: 'validation_failed',
      409: 'conflict',
      413: 'payload_too_large',
      415: 'validation_failed',
      429: 'rate_limited',
      500: 'internal',
      503: 'internal',
    });
    // Hono's own "Malformed JSON in request body" names the body as the bad field.
    const malformed = await answer(new HTTPException(400, { message: 'Malformed JSON in request body' }));
    expect(malformed.body).toMatchObject({ code: 'validation_failed', errors: [{ path: '(body)' }] });
  });

  it('answers zod errors as validation_failed and anything unknown as internal, without its message', async () => {
    const zod = await answer(z.object({ port: z.number() }).safeParse({ port: 'x' }).error!);
    expectInUnion(zod);
    expect(zod.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'port' }] });
    const unknown = await answer(new Error('connect ECONNREFUSED 10.0.0.5:5432'));
    expectInUnion(unknown);
    expect(unknown.body.code).toBe('internal');
    expect(JSON.stringify(unknown.body)).not.toContain('10.0.0.5');
  });

  it('does not let extra fields replace code, status or type', async () => {
    const app = new Hono();
    app.get('/', (c) =>
      problem(c, 409, 'conflict', 'taken', { code: 'http_error', status: 200, type: 'x', hint: 'rename it' }),
    );
    const body = problemSchema.loose().parse(await (await app.request('/')).json());
    expect(body).toMatchObject({ code: 'conflict', status: 409, type: expect.stringContaining('conflict') });
    expect(body.hint).toBe('rename it');
  });

  it('takes only codes of the union, each with its own status (checked by the compiler)', () => {
    const app = new Hono();
    app.get('/', (c) => {
      // @ts-expect-error: http_error is not in the closed union
      problem(c, 500, 'http_error', 'stray');
      // @ts-expect-error: not_found is a 404 in the union, not a 400
      problem(c, 400, 'not_found', 'mismatched');
      return problem(c, 413, 'payload_too_large', 'too big');
    });
    for (const status of [400, 401, 403, 404, 409, 413, 429, 500]) {
      expect(errorCodes[codeForHttpStatus(status)]).toBe(status);
    }
  });
});
