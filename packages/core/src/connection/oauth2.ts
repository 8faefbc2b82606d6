import type { TestEnv } from './env';
import { ConnectionFailure } from './failure';
import { guardedRequest } from './http/guardedRequest';

export type OAuth2Settings = {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string | null;
  refreshToken?: string | null;
};

/** Trades the stored refresh token for an access token at `tokenUrl` (through the destination guard). */
export async function fetchAccessToken(env: TestEnv, s: OAuth2Settings): Promise<string> {
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
    timeoutMs: env.config.timeouts.commandMs,
    allowPrivateHosts: env.config.allowPrivateHosts,
    ...(env.ca ? { ca: env.ca } : {}),
  });
  let json: { access_token?: unknown; error?: unknown; error_description?: unknown } = {};
  try {
    json = JSON.parse(res.body);
  } catch {
    // handled below: no token
  }
  if (res.status !== 200 || typeof json.access_token !== 'string') {
    const why = [json.error, json.error_description].filter((x) => typeof x === 'string').join(': ');
    throw new ConnectionFailure({
      code: 'auth',
      message: `The token endpoint refused the refresh token (HTTP ${res.status}${why ? `, ${why}` : ''})`,
      hint: 'The refresh token may have expired or been revoked: connect the account again.',
      responseCode: res.status,
    });
  }
  env.transcript.addSecret(json.access_token);
  return json.access_token;
}
