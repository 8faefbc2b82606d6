import { createRoute } from '@hono/zod-openapi';
import {
  cursorListOf,
  fetchAccount,
  fetchResultSchema,
  getInboxMessage,
  getInboxRaw,
  inboxMessageSchema,
  inboxQuerySchema,
  inboxSummarySchema,
  listInbox,
} from '@mailroom/core';
import { z } from 'zod';
import { json, newRouter, problems, security } from '../../lib/openapi';

export const inboxRoutes = newRouter();
const idParam = z.object({ id: z.string().min(1) });

inboxRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/inbox',
    tags: ['Inbox'],
    summary: 'Fetched incoming mail, newest first; filter by account, search subject, sender and recipients',
    security,
    request: { query: inboxQuerySchema },
    responses: { 200: json(cursorListOf(inboxSummarySchema)), 400: problems[400] },
  }),
  async (c) => c.json(await listInbox({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
);

inboxRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/inbox/{id}',
    tags: ['Inbox'],
    summary: 'One fetched message: text, HTML, headers, attachment list',
    security,
    request: { params: idParam },
    responses: { 200: json(inboxMessageSchema), 404: problems[404] },
  }),
  async (c) => c.json(await getInboxMessage({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);

inboxRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/inbox/{id}/raw',
    tags: ['Inbox'],
    summary: 'The message source as fetched (message/rfc822)',
    security,
    request: { params: idParam },
    responses: {
      200: { description: 'RFC 5322 source', content: { 'message/rfc822': { schema: z.string() } } },
      404: problems[404],
    },
  }),
  async (c) =>
    c.body(await getInboxRaw({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200, {
      'content-type': 'message/rfc822',
      'content-disposition': 'attachment; filename="message.eml"',
    }),
);

inboxRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/accounts/{id}/fetch',
    tags: ['Inbox'],
    summary: 'Fetch new mail of an account now (otherwise the poller does it on the account interval)',
    description:
      "A server's refusal is a 200 with `error: {code, message, hint}` (`code` is the failure class). Every fetch, this one or the poller's, updates the account's incoming health, its `fetching.lastOk` / `fetching.lastFailed` and the poll backoff; this one always writes a Main Log row (`incoming`, and `imap_auth`/`pop3_auth` at error for a refused login). When the poller is fetching the account at that moment, this request waits for it to end (up to a minute) and then fetches with the current settings; 409 only if it is still running then.",
    security,
    request: { params: idParam },
    responses: {
      200: json(fetchResultSchema),
      403: problems[403],
      404: problems[404],
      409: problems[409],
      422: problems[422],
    },
  }),
  async (c) => c.json(await fetchAccount({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);
