import { createRoute } from '@hono/zod-openapi';
import {
  accountTestInputSchema,
  connectionTestInputSchema,
  connectionTestResultSchema,
  testAccount,
  testConnection,
} from '@mailroom/core';
import { z } from 'zod';
import { body, json, newRouter, problems, security } from '../../lib/openapi';

export const connectionRoutes = newRouter();
const tags = ['Connection tests'];
const description =
  'Runs resolve → connect → TLS → greeting/capabilities → authenticate → a protocol check that sends no mail, each step with ok, durationMs and detail. A server that fails the test is a 200 with `ok: false` and `error: {code, message, hint, reply?, responseCode?}`; `code` is one of dns, refused, timeout, tls, certificate, greeting, auth, rejected, protocol, blocked. Outgoing tests with `deliverability: true` end with a `deliverability` step: its `detail` has `result` (the worst of its checks: pass, warn or fail), `domain`, `provider` and `checks` (spf, dkim — the account’s own selector when it signs —, dmarc, alignment; each pass, warn or fail with a detail and a hint), as `POST /accounts/{id}/deliverability` answers. The step is always `ok`: a failed check or a DNS failure (a warning) never fails the connection test.';

connectionRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/accounts/{id}/test',
    tags,
    summary: "Test a saved account's outgoing or incoming connection; updates health, last test and timeline",
    description,
    security,
    request: { params: z.object({ id: z.string().min(1) }), body: body(accountTestInputSchema) },
    responses: {
      200: json(connectionTestResultSchema),
      400: problems[400],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) =>
    c.json(
      await testAccount({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
      200,
    ),
);

connectionRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/connection-tests',
    tags,
    summary: 'Test unsaved settings (the form before Save)',
    description: `${description} Needs the right to edit accounts (admins; team admins of a team); with \`accountId\`, the right to edit that account. With \`accountId\`, a secret left blank reuses the stored one only where PATCH would keep it: same host, port, Mailgun base URL and OAuth2 token URL, encryption not turned off, certificate checks not turned off; otherwise 422 secret_required names the field. Nothing is saved.`,
    security,
    request: { body: body(connectionTestInputSchema) },
    responses: {
      200: json(connectionTestResultSchema),
      400: problems[400],
      403: problems[403],
      404: problems[404],
      422: problems[422],
    },
  }),
  async (c) => c.json(await testConnection({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
);
