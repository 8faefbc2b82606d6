import { createRoute } from '@hono/zod-openapi';
import {
  defaultEntrySchema,
  defaultSetSchema,
  explainRoute,
  getDefaults,
  listOf,
  routingExplainQuerySchema,
  routingExplainSchema,
  setDefault,
} from '@mailroom/core';
import { all, body, json, newRouter, problems, security } from '../../lib/openapi';

export const defaultRoutes = newRouter();
const list = listOf(defaultEntrySchema);

defaultRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/defaults',
    tags: ['Defaults'],
    summary: 'Default outgoing and incoming account of the system and of each team',
    security,
    responses: { 200: json(list) },
  }),
  async (c) => c.json(all(await getDefaults({ ctx: c.get('ctx') })), 200),
);

defaultRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/defaults',
    tags: ['Defaults'],
    summary:
      'Set or clear (accountId null) the default of a scope; replacing another default needs replace: true',
    security,
    request: { body: body(defaultSetSchema) },
    responses: {
      200: json(list),
      400: problems[400],
      403: problems[403],
      409: problems[409],
      422: problems[422],
    },
  }),
  async (c) => c.json(all(await setDefault({ ctx: c.get('ctx'), input: c.req.valid('json') })), 200),
);

defaultRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/routing/explain',
    tags: ['Defaults'],
    summary: 'Which account a message from `from` (for `teamId`) goes through, and why',
    description:
      "Runs the plan a send runs (routing, then Send-as on the routed account), so it never disagrees with `POST /messages`: `sendAs` says whether the From is allowed, rewritten (sent from the account's own address with the asked one as Reply-To) or refused; `sendable` and `refusal` (code, status, message, hint) say whether a send with these inputs would be accepted, and the error it would get. Without `from`, the caller's own sending address (profile) is explained. `accountId` explains a send naming its account.",
    security,
    request: { query: routingExplainQuerySchema },
    responses: { 200: json(routingExplainSchema), 400: problems[400], 404: problems[404] },
  }),
  async (c) => c.json(await explainRoute({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
);
