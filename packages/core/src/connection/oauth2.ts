import { guardedRequest } from '../door/http';
import { toInfo } from '../failures/classify';
import { tokenReplyFailure } from '../failures/http';
import type { TestEnv } from './env';
import { ConnectionFailure } from './failure';

export type OAuth2Settings = {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string | null;
  refreshToken?: string | null;
};

export type AccessToken = {
  accessToken: string /** Seconds, as the endpoint said (absent: unknown). */;
  expiresIn?: number;
};

export type TokenRequestOptions = { timeoutMs: number; allowPrivateHosts: boolean; ca?: string | string[] };

/**
 * Trades a refresh token for an access token at `tokenUrl`, through the destination guard (no redirects,
 * the checked address only). The one way Mailroom asks a token endpoint, for tests and sends alike.
 */
export async function requestAccessToken(s: OAuth2Settings, opts: TokenRequestOptions): Promise<AccessToken> {
  if (!s.refreshToken) {
    throw new ConnectionFailure({
      code: 'auth',
      message: 'This OAuth2 account has no refresh token',
      hint: 'Connect the account again to store a refresh token.',
    });
  }
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: s.refreshToken,
    client_id: s.clientId,
  });
  if (s.clientSecret) body.set('client_secret', s.clientSecret);
  const res = await guardedRequest(s.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: body.toString(),
    timeoutMs: opts.timeoutMs,
    allowPrivateHosts: opts.allowPrivateHosts,
    ...(opts.ca ? { ca: opts.ca } : {}),
  });
  let json: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } =
    {};
  try {
    json = JSON.parse(res.body);
  } catch {
    // handled below: no token
  }
  if (res.status !== 200 || typeof json.access_token !== 'string') {
    // Only the endpoint's error code and description: its body could echo what we sent.
    const text = (x: unknown) => (typeof x === 'string' ? x : undefined);
    throw new ConnectionFailure(
      toInfo(
        tokenReplyFailure({
          status: res.status,
          error: text(json.error),
          description: text(json.error_description),
        }),
      ),
    );
  }
  const expiresIn = Number(json.expires_in);
  return {
    accessToken: json.access_token,
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresIn } : {}),
  };
}

/** A connection test's token: `requestAccessToken` with the test's bounds, the token masked in its transcript. */
export async function fetchAccessToken(env: TestEnv, s: OAuth2Settings): Promise<string> {
  if (env.accessToken) {
    const token = await env.accessToken();
    env.transcript.addSecret(token);
    return token;
  }
  const { accessToken } = await requestAccessToken(s, {
    timeoutMs: env.config.timeouts.commandMs,
    allowPrivateHosts: env.config.allowPrivateHosts,
    ...(env.ca ? { ca: env.ca } : {}),
  });
  env.transcript.addSecret(accessToken);
  return accessToken;
}
