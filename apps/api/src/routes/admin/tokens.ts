import { createRoute } from '@hono/zod-openapi';
import {
  createToken,
  listOf,
  listTokens,
  revokeToken,
  tokenCreatedSchema,
  tokenInputSchema,
  tokenSchema,
} from '@mailroom/core';
import { z } from 'zod';
import { all, body, json, newRouter, problems, security } from '../../lib/openapi';

export const tokenRoutes = newRouter();
const tags = ['Tokens'];

tokenRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/tokens',
    tags,
    summary: 'List API tokens (never their values)',
    security,
    responses: { 200: json(listOf(tokenSchema)), 403: problems[403] },
  }),
  async (c) => c.json(all(await listTokens({ ctx: c.get('ctx') })), 200),
);
tokenRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/tokens',
    tags,
    summary: 'Create an API token; the token is in this response only',
    description:
      'A `team_admin` token needs `teamIds` (at least one existing team). A token stands for the user who created it: it stops working while that user is disabled, and is revoked when the user is deleted or demoted below its role.',
    security,
    request: { body: body(tokenInputSchema) },
    responses: { 201: json(tokenCreatedSchema, 'Created'), 400: problems[400], 403: problems[403] },
  }),
  async (c) => c.json(await createToken({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
);
tokenRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/tokens/{id}',
    tags,
    summary: 'Revoke an API token',
    security,
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: json(z.object({ ok: z.boolean() })), 403: problems[403], 404: problems[404] },
  }),
  async (c) => {
    await revokeToken({ ctx: c.get('ctx'), id: c.req.valid('param').id });
    return c.json({ ok: true }, 200);
  },
);
