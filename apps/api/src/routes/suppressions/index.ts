import { createRoute } from '@hono/zod-openapi';
import {
  addSuppression,
  cursorListOf,
  exportSuppressions,
  importSuppressions,
  listSuppressions,
  removeSuppression,
  suppressionExportQuerySchema,
  suppressionImportQuerySchema,
  suppressionImportResultSchema,
  suppressionInputSchema,
  suppressionListQuerySchema,
  suppressionViewSchema,
} from '@mailroom/core';
import { z } from 'zod';
import { body, json, newRouter, problems, security } from '../../lib/openapi';
import { csvBody } from '../../middleware/csvBody';

export const suppressionRoutes = newRouter();
const tags = ['Suppressions'];
const idParam = z.object({ id: z.string().min(1) });

suppressionRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/suppressions',
    tags,
    summary:
      'The suppression list, newest first: q searches addresses; filter by reason and scope (system or a team id)',
    description:
      "Addresses Mailroom does not send to. Hard bounces and complaints add them (system-wide), soft bounces after MAILROOM_SOFT_BOUNCE_LIMIT in a row; people add and remove them. Team admins see system entries and their own teams'.",
    security,
    request: { query: suppressionListQuerySchema },
    responses: { 200: json(cursorListOf(suppressionViewSchema)), 400: problems[400], 401: problems[401] },
  }),
  async (c) => c.json(await listSuppressions({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
);

suppressionRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/suppressions',
    tags,
    summary: 'Put an address on the list (system-wide: admins; a team: its team admins)',
    security,
    request: { body: body(suppressionInputSchema) },
    responses: {
      201: json(suppressionViewSchema, 'Added'),
      400: problems[400],
      403: problems[403],
      409: problems[409],
    },
  }),
  async (c) => c.json(await addSuppression({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
);

suppressionRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/suppressions/export',
    tags,
    summary:
      'The list as CSV: address,reason,scope,source,message_id,detail,created_at,created_by (address, reason, scope and detail import back)',
    security,
    request: { query: suppressionExportQuerySchema },
    responses: {
      200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
      400: problems[400],
      401: problems[401],
    },
  }),
  async (c) => {
    const csv = await exportSuppressions({ ctx: c.get('ctx'), input: c.req.valid('query') });
    const day = new Date().toISOString().slice(0, 10);
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="mailroom-suppressions-${day}.csv"`,
    });
  },
);

suppressionRoutes.use('/suppressions/import', csvBody());
suppressionRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/suppressions/import',
    tags,
    summary:
      "Import a CSV of address,reason,note lines (reason optional: manual; note optional) into the system list or a team's",
    description:
      "A first line naming an `address` column is a header, and columns are then found by name (`note` or `detail` for the note), so the export imports back with its reasons and notes. Every line is accounted for: `added`, `skipped` (already listed in that scope, repeated in the file, or on another list by the export's `scope` column) and `invalid` (not an address, an unknown reason, a note over 500 characters), with line numbers; every column not imported is named in `ignoredColumns` with why (the export's source, message_id, created_at and created_by: an import records its own). At most 100,000 lines and 10 MB.",
    security,
    request: {
      query: suppressionImportQuerySchema,
      body: { required: true, content: { 'text/csv': { schema: z.string() } } },
    },
    responses: {
      200: json(suppressionImportResultSchema, 'What each line did'),
      400: problems[400],
      403: problems[403],
      413: {
        description: 'The CSV is larger than 10 MB',
        content: {
          'application/problem+json': { schema: problems[400].content['application/problem+json'].schema },
        },
      },
    },
  }),
  async (c) =>
    c.json(
      await importSuppressions({
        ctx: c.get('ctx'),
        csv: c.get('csvText'),
        teamId: c.req.valid('query').teamId ?? null,
      }),
      200,
    ),
);

suppressionRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/suppressions/{id}',
    tags,
    summary: 'Take an address off the list: the next send to it goes out',
    security,
    request: { params: idParam },
    responses: { 204: { description: 'Removed' }, 403: problems[403], 404: problems[404] },
  }),
  async (c) => {
    await removeSuppression({ ctx: c.get('ctx'), id: c.req.valid('param').id });
    return c.body(null, 204);
  },
);
