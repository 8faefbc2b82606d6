import { createRoute } from '@hono/zod-openapi';
import {
  createTeam,
  createToken,
  createUser,
  listOf,
  listTeams,
  listTokens,
  listUsers,
  revokeToken,
  teamInputSchema,
  teamSchema,
  tokenCreatedSchema,
  tokenInputSchema,
  tokenSchema,
  userInputSchema,
  userSchema,
} from '@mailroom/core';
import { z } from 'zod';
import { all, body, json, newRouter, problems, security } from '../../lib/openapi';

export const adminRoutes = newRouter();

adminRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/tokens',
    tags: ['Tokens'],
    summary: 'List API tokens (never their values)',
    security,
    responses: { 200: json(listOf(tokenSchema)), 403: problems[403] },
  }),
  async (c) => c.json(all(await listTokens({ ctx: c.get('ctx') })), 200),
);
adminRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/tokens',
    tags: ['Tokens'],
    summary: 'Create an API token; the token is in this response only',
    security,
    request: { body: body(tokenInputSchema) },
    responses: { 201: json(tokenCreatedSchema, 'Created'), 400: problems[400], 403: problems[403] },
  }),
  async (c) => c.json(await createToken({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
);
adminRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/tokens/{id}',
    tags: ['Tokens'],
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

adminRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/teams',
    tags: ['Teams'],
    summary: 'List teams',
    security,
    responses: { 200: json(listOf(teamSchema)) },
  }),
  async (c) => c.json(all(await listTeams({ ctx: c.get('ctx') })), 200),
);
adminRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/teams',
    tags: ['Teams'],
    summary: 'Create a team',
    security,
    request: { body: body(teamInputSchema) },
    responses: {
      201: json(teamSchema, 'Created'),
      400: problems[400],
      403: problems[403],
      409: problems[409],
    },
  }),
  async (c) => c.json(await createTeam({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
);

adminRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/users',
    tags: ['Users'],
    summary: 'List users',
    security,
    responses: { 200: json(listOf(userSchema)), 403: problems[403] },
  }),
  async (c) => c.json(all(await listUsers({ ctx: c.get('ctx') })), 200),
);
adminRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/users',
    tags: ['Users'],
    summary: 'Create a user with a role (admin, team_admin, viewer)',
    security,
    request: { body: body(userInputSchema) },
    responses: {
      201: json(userSchema, 'Created'),
      400: problems[400],
      403: problems[403],
      409: problems[409],
    },
  }),
  async (c) => c.json(await createUser({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
);
