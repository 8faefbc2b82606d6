import { createRoute } from '@hono/zod-openapi';
import {
  accountsCsv,
  accountsCsvQuerySchema,
  deliveryCsv,
  deliveryReport,
  deliveryReportQuerySchema,
  deliveryReportSchema,
} from '@mailroom/core';
import { z } from 'zod';
import { json, newRouter, problems, security } from '../../lib/openapi';

export const reportRoutes = newRouter();

reportRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/reports/accounts.csv',
    tags: ['Reports'],
    summary: 'Every account (all stages, no secrets) as CSV',
    security,
    request: { query: accountsCsvQuerySchema },
    responses: {
      200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
      400: problems[400],
      401: problems[401],
    },
  }),
  async (c) => {
    const csv = await accountsCsv({ ctx: c.get('ctx'), input: c.req.valid('query') });
    const day = new Date().toISOString().slice(0, 10);
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="mailroom-accounts-${day}.csv"`,
    });
  },
);

reportRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/reports/delivery',
    tags: ['Reports'],
    summary:
      'Message counts by status per account and/or day (default: the last 30 days); partially sent messages are counted apart',
    security,
    request: { query: deliveryReportQuerySchema },
    responses: { 200: json(deliveryReportSchema), 400: problems[400] },
  }),
  async (c) => c.json(await deliveryReport({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
);

reportRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/reports/delivery.csv',
    tags: ['Reports'],
    summary: 'The delivery report as CSV (same query and counts), a totals line last',
    security,
    request: { query: deliveryReportQuerySchema },
    responses: {
      200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
      400: problems[400],
      401: problems[401],
    },
  }),
  async (c) => {
    const csv = await deliveryCsv({ ctx: c.get('ctx'), input: c.req.valid('query') });
    const day = new Date().toISOString().slice(0, 10);
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="mailroom-delivery-${day}.csv"`,
    });
  },
);
