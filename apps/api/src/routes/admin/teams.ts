import { createRoute } from '@hono/zod-openapi';
import {
  createTeam,
  deleteTeam,
  listOf,
  listTeams,
  teamDeletedSchema,
  teamDeleteQuerySchema,
  teamInputSchema,
  teamSchema,
  teamUpdateSchema,
  updateTeam,
} from '@mailroom/core';
import { z } from 'zod';
import { all, body, json, newRouter, problems, security } from '../../lib/openapi';

export const teamRoutes = newRouter();
const tags = ['Teams'];
const idParam = z.object({ id: z.string().min(1) });

teamRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/teams',
    tags,
    summary: 'List teams with their member and account counts (team admins: their own)',
    security,
    responses: { 200: json(listOf(teamSchema)) },
  }),
  async (c) => c.json(all(await listTeams({ ctx: c.get('ctx') })), 200),
);
teamRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/teams',
    tags,
    summary: 'Create a team (admins only)',
    description:
      '`suppressionScope` (default `system`) says where automatic suppressions from its messages go.',
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
teamRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/teams/{id}',
    tags,
    summary: 'Rename a team or set its suppression scope (admins only)',
    description:
      "Any of `name` and `suppressionScope`. `suppressionScope: team` puts the addresses that hard-bounce or complain on this team's messages (and those past the soft-bounce limit) on the team's own suppression list, so other teams still mail them; `system` (the default) lists them for everyone. It applies to reports from then on; entries already listed stay in their scope.",
    security,
    request: { params: idParam, body: body(teamUpdateSchema) },
    responses: {
      200: json(teamSchema),
      400: problems[400],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) =>
    c.json(
      await updateTeam({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
      200,
    ),
);
teamRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/teams/{id}',
    tags,
    summary: 'Delete a team (admins only)',
    description:
      'A team that still has mail accounts (deleted ones included) is refused: 409 `conflict` with `accounts` (the count) and `deletedAccounts`. With `moveAccountsTo=system` its accounts move to the system level first (each timeline says so). Its defaults are cleared, its members lose the membership, tokens lose the team, and a team-admin token left with no team is revoked.',
    security,
    request: { params: idParam, query: teamDeleteQuerySchema },
    responses: {
      200: json(teamDeletedSchema),
      400: problems[400],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) =>
    c.json(
      await deleteTeam({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('query') }),
      200,
    ),
);
