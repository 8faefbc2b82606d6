import { randomBytes } from 'node:crypto';
import { s256 } from '../oauth/provider.js';
import type { MockMailServer } from '../server.js';

/** Helpers for tests that drive the mock's OAuth2 provider over HTTP, as a client would. */

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256(verifier) };
}

export const REDIRECT_URI = 'http://127.0.0.1:3000/api/v1/oauth/callback';

/** A settable clock for the provider: `clock.now` moves only when a test moves it. */
export function testClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  const clock = {
    now: start,
    read: () => clock.now,
    advance: (seconds: number) => (clock.now += seconds * 1000),
  };
  return clock;
}

export function authorizeUrl(mock: MockMailServer, params: Record<string, string>): string {
  const url = new URL('/oauth/authorize', mock.httpUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** The consent form's nonce, read from the page as a browser would submit it. */
export function nonceOf(html: string): string {
  const nonce = /name="nonce" value="([^"]+)"/.exec(html)?.[1];
  if (!nonce) throw new Error(`no consent form in: ${html.slice(0, 500)}`);
  return nonce;
}

export async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/**
 * Runs the authorization code flow up to the redirect: opens the consent page, submits it
 * with `decision` and `email`, and returns the redirect's query (code, state or error).
 */
export async function consent(
  mock: MockMailServer,
  options: {
    clientId?: string;
    redirectUri?: string;
    scope?: string;
    state?: string;
    challenge: string;
    email?: string;
    decision?: 'approve' | 'deny';
    loginHint?: string;
  },
): Promise<URLSearchParams> {
  const page = await fetch(
    authorizeUrl(mock, {
      response_type: 'code',
      client_id: options.clientId ?? 'mailroom',
      redirect_uri: options.redirectUri ?? REDIRECT_URI,
      scope: options.scope ?? 'https://mail.google.com/ email',
      state: options.state ?? 'state-1',
      code_challenge: options.challenge,
      code_challenge_method: 'S256',
      ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    }),
    { redirect: 'manual' },
  );
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html.slice(0, 300)}`);
  const answer = await postForm(`${mock.httpUrl}/oauth/authorize`, {
    nonce: nonceOf(html),
    email: options.email ?? 'ann@oauth.mock.test',
    decision: options.decision ?? 'approve',
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`consent answered ${answer.status}`);
  return new URL(location).searchParams;
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  token_type: string;
}

/** POSTs to the token endpoint; returns the status and the JSON body. */
export async function tokenRequest(
  mock: MockMailServer,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await postForm(`${mock.httpUrl}/oauth/token`, fields, headers);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The whole code flow for an identity: consent, then the code exchanged for tokens. */
export async function signIn(
  mock: MockMailServer,
  email = 'ann@oauth.mock.test',
  clientId = 'mailroom',
  scope = 'https://mail.google.com/ email',
): Promise<Tokens> {
  const { verifier, challenge } = pkce();
  const query = await consent(mock, { challenge, email, clientId, scope });
  const { status, body } = await tokenRequest(mock, {
    grant_type: 'authorization_code',
    code: query.get('code') ?? '',
    redirect_uri: REDIRECT_URI,
    client_id: clientId,
    code_verifier: verifier,
  });
  if (status !== 200) throw new Error(`token endpoint answered ${status}: ${JSON.stringify(body)}`);
  return body as unknown as Tokens;
}
