import { createRoute } from '@hono/zod-openapi';
import {
  completeCallback,
  createContext,
  getAuthorization,
  oauthAuthorizationInputSchema,
  oauthAuthorizationStartedSchema,
  oauthAuthorizationViewSchema,
  oauthCallbackQuerySchema,
  startAuthorization,
  systemActor,
} from '@mailroom/core';
import { z } from 'zod';
import { body, json, newRouter, problems, security } from '../../lib/openapi';

export const oauthRoutes = newRouter();
const tags = ['OAuth2'];

oauthRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/oauth/authorizations',
    tags,
    summary: 'Start connecting a mailbox with OAuth2 (authorization code with PKCE, or the device flow)',
    description:
      'Give a `provider` id or its `endpoints` (authorizationEndpoint, tokenEndpoint, deviceAuthorizationEndpoint, userinfoEndpoint, scopes), all `https://` (plain `http://` only to loopback where private hosts are allowed); every request goes through the destination guard. `flow: "code"` answers `authorizationUrl` (send the browser there; the provider comes back to `<MAILROOM_PUBLIC_URL>/api/v1/oauth/callback`, which must be registered with it; without MAILROOM_PUBLIC_URL this is a 400 naming it). `flow: "device"` answers the user code and verification URL; Mailroom polls the token endpoint in the background (its `interval`, +5 s on `slow_down`). With `accountId` (a reconnect) the tokens go into that account when approved; without `clientSecret` it reuses the account’s stored one only for the token URL the account already uses (and a device endpoint on its origin), otherwise 422 `secret_required` on `clientSecret`. The client secret is stored encrypted and never shown again.',
    security,
    request: { body: body(oauthAuthorizationInputSchema) },
    responses: {
      201: json(oauthAuthorizationStartedSchema, 'Started'),
      400: problems[400],
      403: problems[403],
      404: problems[404],
      422: problems[422],
    },
  }),
  async (c) =>
    c.json(
      await startAuthorization({
        ctx: c.get('ctx'),
        input: c.req.valid('json'),
        options: { publicUrl: c.get('deps').publicUrl },
      }),
      201,
    ),
);

oauthRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/oauth/authorizations/{id}',
    tags,
    summary:
      'Where an OAuth2 connect stands: pending, connected (with the identity), denied, expired or error',
    description: 'Poll it while the person signs in. Never carries a token, code, verifier or secret.',
    security,
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: { 200: json(oauthAuthorizationViewSchema), 404: problems[404] },
  }),
  async (c) => c.json(await getAuthorization({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);

oauthRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/oauth/callback',
    tags,
    summary: 'Where the provider sends the browser back (redirect URI); redirects to the web UI',
    description:
      'Public (the provider redirects here); authenticated by its `state`, which works once and for 10 minutes. Exchanges the code with the PKCE verifier, then redirects to `/accounts/<id>?oauth=<result>` (a reconnect) or `/accounts/new?oauth=<result>&authorization=<id>`; `result` is `connected`, `denied`, `expired`, `error` or `invalid` (an unknown or replayed state).',
    request: { query: oauthCallbackQuerySchema },
    responses: { 302: { description: 'To the web UI with the result' } },
  }),
  async (c) => {
    const ctx = createContext(c.get('deps').base, { ...systemActor, label: 'oauth-callback' });
    const r = await completeCallback({ ctx, input: c.req.valid('query') });
    const target = r.accountId
      ? `/accounts/${encodeURIComponent(r.accountId)}?oauth=${r.result}`
      : `/accounts/new?oauth=${r.result}${r.authorizationId ? `&authorization=${encodeURIComponent(r.authorizationId)}` : ''}`;
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    return c.redirect(target, 302);
  },
);
