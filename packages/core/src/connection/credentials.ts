import type { AuthParsed } from '../schemas/parts';
import type { Credentials, TestEnv } from './env';
import { fetchAccessToken } from './oauth2';

/** Turns stored auth settings into connection credentials (OAuth2: trades the refresh token for an access token). */
export async function credentialsOf(env: TestEnv, auth: AuthParsed | undefined): Promise<Credentials> {
  if (!auth || auth.method === 'none') return { kind: 'none' };
  if (auth.method === 'password') {
    const password = auth.password ?? '';
    // A server that echoes the PLAIN payload echoes it whole: mask that base64 too, not just the password.
    env.transcript.secrets.addLogin(auth.username, password);
    return { kind: 'password', username: auth.username, password };
  }
  const accessToken = await env.steps.run('token', async () => {
    const token = await fetchAccessToken(env, {
      tokenUrl: auth.tokenUrl,
      clientId: auth.clientId,
      clientSecret: auth.clientSecret ?? null,
      refreshToken: auth.refreshToken ?? null,
    });
    return { value: token, detail: { tokenUrl: new URL(auth.tokenUrl).origin, obtained: true } };
  });
  // The token and the XOAUTH2/OAUTHBEARER strings that carry it, masked whole in clear and base64.
  env.transcript.secrets.addBearer(auth.username, accessToken);
  return { kind: 'oauth2', username: auth.username, accessToken, mechanism: auth.mechanism };
}
