import { createRoute } from '@hono/zod-openapi';
import {
  allSuppressed,
  bulkInputSchema,
  bulkResultSchema,
  cancelMessage,
  cursorListOf,
  deliveryFailed,
  getMessage,
  listMessages,
  messageInputSchema,
  messageListQuerySchema,
  messageStatuses,
  messageViewSchema,
  problemSchema,
  retryMessage,
  sendBulk,
  sendMessage,
} from '@mailroom/core';
import { z } from 'zod';
import { body, json, newRouter, problems, security } from '../../lib/openapi';

export const messageRoutes = newRouter();
const idParam = z.object({ id: z.string().min(1) });
const tags = ['Messages'];
// In a query string `status` and `internal` travel as text; the core verb parses them (comma list,
// 'true'), so the route declares them as the text it validates and hands on.
const messageListParams = messageListQuerySchema.extend({
  status: z
    .string()
    .optional()
    .describe(`One status or several, comma separated: ${messageStatuses.join(', ')}`),
  internal: z.enum(['true', 'false']).optional().describe('true also lists verification mails'),
});
const deliveryProblem = {
  description:
    'Immediate mode only: the server refused or could not be reached. `errorClass`, `reply`, `responseCode` and `hint` say why; `messageId`, `messageStatus` (failed, or deferred with `nextAttemptAt`) and `message` describe the stored message.',
  content: { 'application/problem+json': { schema: problemSchema } },
};

messageRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/messages',
    tags,
    summary: 'Send a message: queued (202 once stored) or immediate (200 with the server reply)',
    description:
      "Routes by `accountId`, else the From address (exact from-filter match, then domain), then the team default, then the system default; `route` says which and why. Without `from`, a send by a user (session, or a token standing for a user) asks for the user's sending address and display name. Send-as: a From the account may not send as (not its own address, not covered by a non-empty `fromFilter`) is a 400 on `from.address` with a hint, or, when the account's `fromNotAllowed` is `rewrite`, sent from the account's own address with the asked one as Reply-To; `sendAs` says which and why, exactly as `GET /routing/explain` does. `mode` defaults to the account's sendMode. An immediate send some recipients accepted and others refused is a 200 with status `partially_sent`. Recipients on the suppression list (system-wide or the team's) are not sent to: their entry in `recipients` is `suppressed` with the reason, the others go out (the message ends `partially_sent`). An `Idempotency-Key` replays the original message for the same body (200) and is a 409 `idempotency_conflict` for another body. Attachments are inline base64 only.",
    security,
    request: {
      body: body(messageInputSchema),
      headers: z.object({ 'idempotency-key': z.string().max(200).optional() }),
    },
    responses: {
      200: json(
        messageViewSchema,
        'Delivered now (immediate), or the replay of an earlier request with the same Idempotency-Key',
      ),
      202: json(messageViewSchema, 'Queued: durably stored, the worker delivers it'),
      400: problems[400],
      403: problems[403],
      409: problems[409],
      422: {
        description:
          '`all_recipients_suppressed`: every recipient is on the suppression list; the message is stored `failed` and was not sent (`message` and `errors` name each address and its reason). Also `no_route` and `account_not_usable`.',
        content: { 'application/problem+json': { schema: problemSchema } },
      },
      502: deliveryProblem,
    },
  }),
  async (c) => {
    const r = await sendMessage({
      ctx: c.get('ctx'),
      parsed: c.req.valid('json'),
      idempotencyKey: c.req.valid('header')['idempotency-key'],
    });
    switch (r.outcome) {
      case 'queued':
      case 'handed_over':
        return c.json(r.message, 202);
      case 'sent':
      // Some recipients have it: an error status would read as "nothing was sent". The body's status and
      // per-recipient results say who refused it.
      case 'partially_sent':
      case 'replayed':
        return c.json(r.message, 200);
      case 'failed':
      case 'deferred':
        // Immediate, not delivered (failed, or deferred for the worker): a 502 an HTTP client notices.
        throw deliveryFailed(r.message);
      case 'suppressed':
        // Every recipient is on the suppression list: stored failed, nothing sent.
        throw allSuppressed(r.message);
    }
  },
);

messageRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/messages/bulk',
    tags,
    summary: 'Queue one message per recipient from a template with {{variables}}',
    description:
      "`{{name}}` in subject, text and html is replaced by each recipient's `variables.name` (`{{email}}` is the recipient); HTML gets escaped values. All messages are stored in one transaction, or none.",
    security,
    request: { body: body(bulkInputSchema) },
    responses: {
      202: json(bulkResultSchema, 'Queued'),
      400: problems[400],
      403: problems[403],
      422: problems[422],
    },
  }),
  async (c) => c.json(await sendBulk({ ctx: c.get('ctx'), input: c.req.valid('json') }), 202),
);

messageRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/messages',
    tags,
    summary:
      'The outbox: filter by status (comma list), account, bulk id, time; q is a whole address (messages from or to it) or text found in the subject, From or recipients',
    security,
    request: { query: messageListParams },
    responses: { 200: json(cursorListOf(messageViewSchema)), 400: problems[400] },
  }),
  async (c) => c.json(await listMessages({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
);

messageRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/messages/{id}',
    tags,
    summary: 'One message with per-recipient results and every attempt (time, duration, reply, error class)',
    security,
    request: { params: idParam },
    responses: { 200: json(messageViewSchema), 404: problems[404] },
  }),
  async (c) => c.json(await getMessage({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);

messageRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/messages/{id}/retry',
    tags,
    summary:
      'Queue a failed, partially sent, deferred or cancelled message again now (accepted recipients are not mailed twice)',
    security,
    request: { params: idParam },
    responses: { 200: json(messageViewSchema), 403: problems[403], 404: problems[404], 409: problems[409] },
  }),
  async (c) => c.json(await retryMessage({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);

messageRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/messages/{id}/cancel',
    tags,
    summary: 'Cancel a queued or deferred message',
    security,
    request: { params: idParam },
    responses: { 200: json(messageViewSchema), 403: problems[403], 404: problems[404], 409: problems[409] },
  }),
  async (c) => c.json(await cancelMessage({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);
