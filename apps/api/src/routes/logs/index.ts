import { createRoute } from '@hono/zod-openapi';
import { cursorListOf, logEntrySchema, logQuerySchema, queryLogs } from '@mailroom/core';
import { z } from 'zod';
import { json, newRouter, problems, security } from '../../lib/openapi';

export const logRoutes = newRouter();

// In a query string the condition builder travels as JSON text; the core verb parses and checks it.
const logQueryParams = logQuerySchema.omit({ filter: true }).extend({
  filter: z.string().optional().openapi({
    description:
      'Condition builder as JSON: {"all"|"any": [{"field","op","value"} | nested group]}; fields at, source, level, message, accountId, actor; ops eq, neq, in, contains, gte, lte',
    example:
      '{"all":[{"field":"source","op":"eq","value":"smtp_auth"},{"field":"level","op":"eq","value":"error"}]}',
  }),
});

logRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/logs',
    tags: ['Logs'],
    summary:
      'The Main Log, newest first: filter by any field, time range (since/until), text (q) and conditions',
    description:
      'Sources: smtp_auth, imap_auth, pop3_auth (sign-ins: a refused one is an error, whether a test, a send or a fetch met it), outgoing, incoming, connection_test, queue, verification, email_logger, audit; levels debug, info, warning, error. What writes each, with examples: docs/LOGS.md.',
    security,
    request: { query: logQueryParams },
    responses: { 200: json(cursorListOf(logEntrySchema)), 400: problems[400], 401: problems[401] },
  }),
  async (c) => c.json(await queryLogs({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
);
