import { assertCanWrite } from '../accounts/access';
import { loadAccount } from '../accounts/load';
import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import { oauthAuthorizations } from '../db/schema';
import { MailroomError, parseInput } from '../errors';
import { newId } from '../ids';
import type { AuthStored } from '../schemas/parts';
import { assertEndpoint, postForm } from './endpoint';
import { authorizationOwner } from './owner';
import { hashState, newPkce, newState } from './pkce';
import { pollDeviceAuthorization } from './pollDevice';
import { lookupOAuthProvider } from './providers';
import {
  type OAuthAuthorizationInput,
  type OAuthAuthorizationStarted,
  type OAuthEndpoints,
  oauthAuthorizationInputSchema,
} from './schemas';

/** How long a code flow's `state` (and its PKCE verifier) may come back. */
export const STATE_TTL_MS = 10 * 60_000;

/** The path the provider sends the browser back to, under MAILROOM_PUBLIC_URL. */
export const CALLBACK_PATH = '/api/v1/oauth/callback';

export type StartOptions = {
  /** MAILROOM_PUBLIC_URL (the quick start: the server's own URL). Needed by the code flow only. */
  publicUrl?: string | undefined;
  /** The device flow's poller waits with this (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
  /** Handed the device flow's background poll (tests wait for it to end). */
  onPoll?: (poll: Promise<void>) => void;
};

/**
 * Starts an OAuth2 connect. `code`: PKCE (S256) and a single-use `state`, answered with the URL to send
 * the browser to. `device` (RFC 8628): asks the device endpoint for a user code and polls the token
 * endpoint in the background until the person approves, denies, or the code expires.
 */
export async function startAuthorization({
  ctx,
  input,
  options = {},
}: {
  ctx: Ctx;
  input: OAuthAuthorizationInput;
  options?: StartOptions;
}): Promise<OAuthAuthorizationStarted> {
  const data = parseInput(oauthAuthorizationInputSchema, input);
  let account: AccountRow | undefined;
  if (data.accountId) {
    account = await loadAccount(ctx, ctx.db, data.accountId);
    assertCanWrite(ctx.actor, account.teamId);
  } else if (ctx.actor.role === 'viewer') {
    assertCanWrite(ctx.actor, null);
  }
  const endpoints = resolveEndpoints(ctx, data);
  // A reconnect with the same client keeps the account's client secret (nobody types it again), but only
  // towards where the account already sends it: a stored secret never follows new endpoints untyped.
  const storedSecret =
    account && !data.clientSecret
      ? storedClientSecret(account, data.clientId, endpoints, data.flow)
      : undefined;
  const scopes = data.scopes ?? endpoints.scopes ?? [];
  assertEndpoint(ctx, endpoints.tokenEndpoint, 'endpoints.tokenEndpoint');
  assertEndpoint(ctx, endpoints.userinfoEndpoint, 'endpoints.userinfoEndpoint');
  const id = newId();
  const now = ctx.now();
  const secrets: Record<string, string> = {};
  if (data.clientSecret) secrets.clientSecret = ctx.secrets.encrypt(data.clientSecret);
  else if (storedSecret) secrets.clientSecret = storedSecret;
  const clientSecret = data.clientSecret ?? (storedSecret ? ctx.secrets.decrypt(storedSecret) : undefined);
  const base = {
    id,
    accountId: data.accountId ?? null,
    provider: data.provider ?? null,
    clientId: data.clientId,
    endpoints: {
      authorizationEndpoint: endpoints.authorizationEndpoint,
      tokenEndpoint: endpoints.tokenEndpoint,
      deviceAuthorizationEndpoint: endpoints.deviceAuthorizationEndpoint,
      userinfoEndpoint: endpoints.userinfoEndpoint,
      scopes,
    },
    createdAt: now,
    createdBy: authorizationOwner(ctx.actor),
  };

  if (data.flow === 'code') {
    if (!endpoints.authorizationEndpoint) {
      throw new MailroomError('validation_failed', 'The provider has no authorization endpoint', {
        errors: [{ path: 'endpoints.authorizationEndpoint', message: 'is required for the code flow' }],
      });
    }
    assertEndpoint(ctx, endpoints.authorizationEndpoint, 'endpoints.authorizationEndpoint');
    if (!options.publicUrl) {
      throw new MailroomError(
        'validation_failed',
        'The code flow needs MAILROOM_PUBLIC_URL: the provider sends the browser back to it',
        {
          errors: [{ path: 'flow', message: 'needs MAILROOM_PUBLIC_URL to be set (or use the device flow)' }],
          hint: 'Set MAILROOM_PUBLIC_URL to the address people open Mailroom at, register <MAILROOM_PUBLIC_URL>/api/v1/oauth/callback as the redirect URI with the provider, or use flow "device".',
        },
      );
    }
    const redirectUri = `${options.publicUrl.replace(/\/+$/, '')}${CALLBACK_PATH}`;
    const { verifier, challenge } = newPkce();
    const state = newState();
    secrets.verifier = ctx.secrets.encrypt(verifier);
    await ctx.db.insert(oauthAuthorizations).values({
      ...base,
      flow: 'code',
      stateHash: hashState(state),
      redirectUri,
      secrets,
      expiresAt: new Date(now.getTime() + STATE_TTL_MS),
    });
    const url = new URL(endpoints.authorizationEndpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', data.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    if (scopes.length) url.searchParams.set('scope', scopes.join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', challenge);
    url.searchParams.set('code_challenge_method', 'S256');
    // Google: a refresh token only with offline access, and again on a reconnect only with consent.
    url.searchParams.set('access_type', 'offline');
    url.searchParams.set('prompt', 'consent');
    for (const [k, v] of Object.entries(endpoints.params ?? {})) url.searchParams.set(k, v);
    if (data.loginHint) url.searchParams.set('login_hint', data.loginHint);
    await ctx.log({
      source: 'audit',
      level: 'info',
      message: `OAuth2 sign-in started (code flow) at ${url.origin}`,
      accountId: data.accountId ?? null,
      context: { authorizationId: id, clientId: data.clientId, provider: data.provider ?? null },
    });
    return { id, flow: 'code', authorizationUrl: url.toString() };
  }

  if (!endpoints.deviceAuthorizationEndpoint) {
    throw new MailroomError('validation_failed', 'The provider has no device authorization endpoint', {
      errors: [{ path: 'endpoints.deviceAuthorizationEndpoint', message: 'is required for the device flow' }],
    });
  }
  assertEndpoint(ctx, endpoints.deviceAuthorizationEndpoint, 'endpoints.deviceAuthorizationEndpoint');
  const fields: Record<string, string> = { client_id: data.clientId };
  if (scopes.length) fields.scope = scopes.join(' ');
  if (clientSecret) fields.client_secret = clientSecret;
  const { status, json } = await postForm(ctx, endpoints.deviceAuthorizationEndpoint, fields);
  const str = (k: string) => (typeof json[k] === 'string' ? (json[k] as string) : undefined);
  const deviceCode = str('device_code');
  const userCode = str('user_code');
  // Shown as a link in the form: only an absolute http(s) URL (never `javascript:` or `data:`).
  const verificationUri = webUrl(str('verification_uri') ?? str('verification_url'));
  if (status === 200 && deviceCode && userCode && !verificationUri) {
    throw new MailroomError(
      'connection_failed',
      'The device authorization endpoint answered no http(s) verification URI',
      { hint: 'The provider must name the page where the code is entered (verification_uri, https://…).' },
    );
  }
  if (status !== 200 || !deviceCode || !userCode || !verificationUri) {
    throw new MailroomError(
      'connection_failed',
      `The device authorization endpoint refused (HTTP ${status}${str('error') ? `, ${str('error')}` : ''})`,
      { hint: 'Check the client id and that the provider allows the device flow for this client.' },
    );
  }
  const expiresIn = Math.max(1, Math.min(Number(json.expires_in) || 900, 3600));
  const interval = Math.max(1, Math.min(Number(json.interval) || 5, 60));
  secrets.deviceCode = ctx.secrets.encrypt(deviceCode);
  await ctx.db.insert(oauthAuthorizations).values({
    ...base,
    flow: 'device',
    secrets,
    interval,
    expiresAt: new Date(now.getTime() + expiresIn * 1000),
  });
  await ctx.log({
    source: 'audit',
    level: 'info',
    message: `OAuth2 sign-in started (device flow) at ${new URL(endpoints.deviceAuthorizationEndpoint).origin}`,
    accountId: data.accountId ?? null,
    context: { authorizationId: id, clientId: data.clientId, provider: data.provider ?? null },
  });
  // In the background: the request has its answer; the poll ends by itself (approved, denied, expired).
  const poll = pollDeviceAuthorization(ctx, id, options.sleep).catch((err: unknown) =>
    ctx.log({
      source: 'audit',
      level: 'error',
      message: `OAuth2 device flow stopped: ${err instanceof Error ? err.message : String(err)}`,
      context: { authorizationId: id },
    }),
  );
  options.onPoll?.(poll);
  const complete = webUrl(str('verification_uri_complete'));
  return {
    id,
    flow: 'device',
    userCode,
    verificationUri,
    ...(complete ? { verificationUriComplete: complete } : {}),
    expiresIn,
    interval,
  };
}

function resolveEndpoints(
  ctx: Ctx,
  data: { provider?: string | undefined; endpoints?: OAuthEndpoints | undefined },
): OAuthEndpoints & { params?: Record<string, string> } {
  if (data.endpoints) return data.endpoints;
  const found = data.provider ? lookupOAuthProvider(ctx.config, data.provider) : null;
  if (!found) {
    throw new MailroomError('validation_failed', `Unknown OAuth2 provider ${data.provider}`, {
      errors: [{ path: 'provider', message: 'is not a known provider: give its endpoints instead' }],
    });
  }
  return found;
}

/**
 * The encrypted client secret an account's OAuth2 part keeps for this client, if any. It may be used only
 * where the part already sends it: the same token URL (the code exchange and the refresh post it there)
 * and, for the device flow, a device endpoint on that URL's origin. Elsewhere it must be typed again,
 * as PATCH requires when the token URL changes (a team admin who never saw it cannot send it away).
 */
function storedClientSecret(
  account: AccountRow,
  clientId: string,
  endpoints: OAuthEndpoints,
  flow: 'code' | 'device',
): string | undefined {
  let refusedFor: string | undefined;
  for (const d of ['outgoing', 'incoming'] as const) {
    const auth = (account[d] as { auth?: AuthStored } | null)?.auth;
    const enc = account.secrets[`${d}.auth.clientSecret`];
    if (auth?.method !== 'oauth2' || auth.clientId !== clientId || !enc) continue;
    const origin = new URL(auth.tokenUrl).origin;
    const device = endpoints.deviceAuthorizationEndpoint;
    if (
      endpoints.tokenEndpoint === auth.tokenUrl &&
      (flow === 'code' || device === undefined || new URL(device).origin === origin)
    ) {
      return enc;
    }
    refusedFor ??= auth.tokenUrl;
  }
  if (refusedFor) {
    throw new MailroomError(
      'secret_required',
      'The stored client secret must be entered again for these endpoints',
      {
        errors: [
          {
            path: 'clientSecret',
            message: `re-enter the client secret: the account sends it only to ${refusedFor}`,
          },
        ],
        hint: 'This keeps a stored secret from being sent to another server. Type the client secret, or use the token endpoint the account already uses.',
      },
    );
  }
  return undefined;
}

/** `value` when it is an absolute http(s) URL (what a person may be sent to), else undefined. */
function webUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}
