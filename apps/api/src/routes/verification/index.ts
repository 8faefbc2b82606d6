import { createRoute } from '@hono/zod-openapi';
import {
  confirmVerification,
  getVerification,
  problemSchema,
  startVerification,
  verificationConfirmedSchema,
  verificationConfirmSchema,
  verificationStartedSchema,
  verificationStartSchema,
  verificationStateSchema,
} from '@mailroom/core';
import { z } from 'zod';
import { body, json, newRouter, problems, security } from '../../lib/openapi';

export const verificationRoutes = newRouter();
const idParam = z.object({ id: z.string().min(1) });
const tags = ['Accounts'];

verificationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/accounts/{id}/verification',
    tags,
    summary: 'Whether a code is waiting to be typed back, and when the account was verified',
    description:
      '`pending` is the code `confirm` would check (the newest, unused, unexpired, attempts left, sent after the last change of the connection settings) as `{to, sentAt, expiresAt, attemptsLeft}`, or null; the code itself is never returned. `resendAfter` is when another code may be sent (null: now). `verifiedAt` is null until a code is confirmed and after the connection settings change.',
    security,
    request: { params: idParam },
    responses: { 200: json(verificationStateSchema), 404: problems[404] },
  }),
  async (c) => c.json(await getVerification({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);

verificationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/accounts/{id}/verification',
    tags,
    summary: 'Send a 6-digit confirmation code through the account to `to`',
    description:
      'The mail is sent at once; the code is stored hashed, valid 10 minutes, 5 attempts, and replaces any earlier code. At most one code per 30 seconds and 5 per hour (429 rate_limited with retryAfterSeconds, and `pending` — the code still waiting, as in GET — so a client can offer to type it in). A delivery failure is a 502 delivery_failed with the server reply.',
    security,
    request: { params: idParam, body: body(verificationStartSchema) },
    responses: {
      202: json(verificationStartedSchema, 'Sent'),
      400: problems[400],
      403: problems[403],
      404: problems[404],
      422: problems[422],
      429: {
        description: 'A code was sent too recently',
        content: { 'application/problem+json': { schema: problemSchema } },
      },
      502: {
        description: 'The mail was not delivered',
        content: { 'application/problem+json': { schema: problemSchema } },
      },
    },
  }),
  async (c) =>
    c.json(
      await startVerification({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
      202,
    ),
);

verificationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/accounts/{id}/verification/confirm',
    tags,
    summary: 'Confirm the code: marks the account verified',
    description:
      'Errors (422): `code_invalid` (wrong, with attemptsLeft), `code_expired`, `code_used`, `code_attempts_exceeded`.',
    security,
    request: { params: idParam, body: body(verificationConfirmSchema) },
    responses: {
      200: json(verificationConfirmedSchema),
      400: problems[400],
      404: problems[404],
      422: problems[422],
    },
  }),
  async (c) =>
    c.json(
      await confirmVerification({
        ctx: c.get('ctx'),
        id: c.req.valid('param').id,
        input: c.req.valid('json'),
      }),
      200,
    ),
);
