import { createRoute } from '@hono/zod-openapi';
import {
  accountInputSchema,
  accountListQuerySchema,
  accountPatchSchema,
  accountViewSchema,
  addComment,
  changeStage,
  commentInputSchema,
  commentSchema,
  createAccount,
  getAccount,
  listAccounts,
  listComments,
  listOf,
  listTimeline,
  stageChangeSchema,
  timelineEventSchema,
  updateAccount,
} from '@mailroom/core';
import { z } from 'zod';
import { all, body, json, newRouter, problems, security } from '../../lib/openapi';

export const accountRoutes = newRouter();
const idParam = z.object({ id: z.string().min(1) });
const tags = ['Accounts'];

accountRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/accounts',
    tags,
    summary: 'List mail accounts (deleted ones only with stage=deleted or stage=all)',
    security,
    request: { query: accountListQuerySchema },
    responses: { 200: json(listOf(accountViewSchema)), 400: problems[400], 401: problems[401] },
  }),
  async (c) => c.json(await listAccounts({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
);

accountRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/accounts',
    tags,
    summary: 'Create a mail account (starts active); secrets are write-only',
    description:
      'A connection test the same caller ran with `POST /connection-tests` in the last 30 minutes on these settings (secrets included; the From name, Reply-To, Send-as list, send mode, rate limit, poll interval, after-fetch and on/off may differ) counts: the account starts with it as `lastTest` and its health. OAuth2: sign in first (`POST /oauth/authorizations` without `accountId`, code or device flow) and give the finished sign-in as `oauthAuthorizationId`: every part with auth method `oauth2` takes the connected address as username, the token endpoint, client id, refresh token and client secret from it (no `refreshToken` needed). It must be yours, connected, unused and less than an hour old, else a 400 naming `oauthAuthorizationId`; without it and without a refresh token, a 400 naming `outgoing.auth.refreshToken`. DKIM signing (SMTP, sendmail, SES): `outgoing.dkim: { enabled, domain, selector, privateKey }` with an RSA private key in PEM, or `generateKey: true` for Mailroom to make a 2048-bit one; the key is write-only and encrypted, the view shows `dkim.privateKeySet` and `dkim.record` (the TXT record to publish: name and value). `domain` defaults to the From domain, `selector` to `mailroom`. Mailgun signs itself: `dkim` on a Mailgun part is a 400.',
    security,
    request: { body: body(accountInputSchema) },
    responses: {
      201: json(accountViewSchema, 'Created'),
      400: problems[400],
      403: problems[403],
      409: problems[409],
    },
  }),
  async (c) => c.json(await createAccount({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
);

accountRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/accounts/{id}',
    tags,
    summary: 'Read one account (without secrets: hasPassword instead)',
    description:
      "`health` is the worst of its directions, each from its latest test, send or fetch; `sending` and `fetching` carry each direction's health, its last success and last failure (time, class, server reply), the failures in a row, the circuit breaker's pause and the next poll.",
    security,
    request: { params: idParam },
    responses: { 200: json(accountViewSchema), 404: problems[404] },
  }),
  async (c) => c.json(await getAccount({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);

accountRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/accounts/{id}',
    tags,
    summary: 'Change an account; secrets omitted = keep, null = clear, string = replace',
    description:
      '`outgoing`/`incoming` are merged into the stored settings. Changing host, port or base URL of a part with a stored secret requires the secret again (422 secret_required). Changing the outgoing connection resets verification. `outgoing.dkim.generateKey: true` replaces the DKIM key with a new one (publish the new `dkim.record`), `outgoing.dkim.privateKey: null` clears it; a DKIM change never resets verification and the key never has to be typed again when the server changes (it does not leave Mailroom). `oauthAuthorizationId` (a finished sign-in, as on create) connects the OAuth2 parts with it: identity, client and tokens replaced; an account whose access was lost is healthy again as far as anyone knows and its deferred messages are due at once.',
    security,
    request: { params: idParam, body: body(accountPatchSchema) },
    responses: {
      200: json(accountViewSchema),
      400: problems[400],
      404: problems[404],
      409: problems[409],
      422: problems[422],
    },
  }),
  async (c) =>
    c.json(
      await updateAccount({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
      200,
    ),
);

accountRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/accounts/{id}',
    tags,
    summary: 'Soft-delete an account (stage deleted; restore by moving it to inactive)',
    security,
    request: {
      params: idParam,
      query: z.object({
        reason: stageChangeSchema.shape.reason.describe('Why the account is deleted; shown in its timeline'),
      }),
    },
    responses: {
      200: json(accountViewSchema),
      400: problems[400],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const { reason } = c.req.valid('query');
    return c.json(
      await changeStage({
        ctx: c.get('ctx'),
        id: c.req.valid('param').id,
        input: { stage: 'deleted', ...(reason ? { reason } : {}) },
      }),
      200,
    );
  },
);

accountRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/accounts/{id}/stage',
    tags,
    summary: 'Change stage: active <-> inactive, any -> deleted, deleted -> inactive (restore)',
    security,
    request: { params: idParam, body: body(stageChangeSchema) },
    responses: { 200: json(accountViewSchema), 400: problems[400], 404: problems[404], 409: problems[409] },
  }),
  async (c) =>
    c.json(
      await changeStage({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
      200,
    ),
);

accountRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/accounts/{id}/comments',
    tags,
    summary: 'Comments on an account, oldest first',
    security,
    request: { params: idParam },
    responses: { 200: json(listOf(commentSchema)), 404: problems[404] },
  }),
  async (c) => c.json(all(await listComments({ ctx: c.get('ctx'), id: c.req.valid('param').id })), 200),
);

accountRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/accounts/{id}/comments',
    tags,
    summary: 'Add a comment (also appears in the timeline)',
    security,
    request: { params: idParam, body: body(commentInputSchema) },
    responses: {
      201: json(commentSchema, 'Created'),
      400: problems[400],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) =>
    c.json(
      await addComment({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
      201,
    ),
);

accountRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/accounts/{id}/timeline',
    tags,
    summary: 'Every event of an account, newest first (secrets masked)',
    security,
    request: {
      params: idParam,
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
    },
    responses: { 200: json(listOf(timelineEventSchema)), 404: problems[404] },
  }),
  async (c) =>
    c.json(
      all(
        await listTimeline({
          ctx: c.get('ctx'),
          id: c.req.valid('param').id,
          limit: c.req.valid('query').limit,
        }),
      ),
      200,
    ),
);
