import { createRoute } from '@hono/zod-openapi';
import {
  createUser,
  deleteUser,
  disableUser,
  enableUser,
  getUser,
  listOf,
  listUsers,
  passwordResetResultSchema,
  passwordResetSchema,
  resetPassword,
  updateUser,
  userDisableSchema,
  userInputSchema,
  userSchema,
  userUpdateSchema,
} from '@mailroom/core';
import { z } from 'zod';
import { all, body, json, newRouter, problems, security } from '../../lib/openapi';

export const userRoutes = newRouter();
const tags = ['Users'];
const idParam = z.object({ id: z.string().min(1) });

/** A JSON body a client may leave out (then it reads as `{}`). */
const optionalBody = <T extends z.ZodType>(schema: T) => ({ ...body(schema), required: false });

userRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/users',
    tags,
    summary: 'List users, disabled ones included (admins only)',
    security,
    responses: { 200: json(listOf(userSchema)), 403: problems[403] },
  }),
  async (c) => c.json(all(await listUsers({ ctx: c.get('ctx') })), 200),
);
userRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/users',
    tags,
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
userRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/users/{id}',
    tags,
    summary: 'Read one user (admins only)',
    security,
    request: { params: idParam },
    responses: { 200: json(userSchema), 403: problems[403], 404: problems[404] },
  }),
  async (c) => c.json(await getUser({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);
userRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/users/{id}',
    tags,
    summary:
      "Change a user's name, role, teams or sending identity (displayName, sendingAddress; admins only)",
    description:
      'The email is the sign-in identity and cannot change. Demoting the last enabled admin is refused (409). Demoting a user revokes the API tokens they made that outrank the new role. Audited in the Main Log (source `audit`).',
    security,
    request: { params: idParam, body: body(userUpdateSchema) },
    responses: {
      200: json(userSchema),
      400: problems[400],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) =>
    c.json(
      await updateUser({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
      200,
    ),
);
userRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/users/{id}',
    tags,
    summary: 'Delete a user (admins only); their tokens are revoked',
    description:
      'Sessions and team memberships go with the user; the API tokens they made are revoked. History keeps naming them by email. Deleting the last enabled admin is refused (409).',
    security,
    request: { params: idParam },
    responses: {
      200: json(z.object({ id: z.string(), email: z.string(), revokedTokens: z.number().int() })),
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => c.json(await deleteUser({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);
userRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/users/{id}/disable',
    tags,
    summary: 'Disable a user: no sign-in; their sessions and tokens get 401 at once',
    description:
      'Their sessions end and the API tokens they made stop working (kept, not revoked: enabling brings them back). Disabling the last enabled admin is refused (409). The optional `reason` goes to the audit row.',
    security,
    request: { params: idParam, body: optionalBody(userDisableSchema) },
    responses: {
      200: json(userSchema),
      400: problems[400],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) =>
    c.json(
      await disableUser({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
      200,
    ),
);
userRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/users/{id}/enable',
    tags,
    summary: 'Enable a disabled user again',
    security,
    request: { params: idParam },
    responses: { 200: json(userSchema), 403: problems[403], 404: problems[404] },
  }),
  async (c) => c.json(await enableUser({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);
userRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/users/{id}/password-reset',
    tags,
    summary: 'Set a temporary password; the user must choose a new one at the next sign-in',
    description:
      "Send `password` to set it yourself, or nothing to have one generated: `temporaryPassword` is then in this response only. The user's sessions end; their next session can only change the password (`POST /auth/password`).",
    security,
    request: { params: idParam, body: optionalBody(passwordResetSchema) },
    responses: {
      200: json(passwordResetResultSchema),
      400: problems[400],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) =>
    c.json(
      await resetPassword({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
      200,
    ),
);
