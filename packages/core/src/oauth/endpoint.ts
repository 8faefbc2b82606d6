import { ConnectionFailure } from '../connection/failure';
import type { Ctx } from '../context';
import { guardedRequest } from '../door/http';
import { httpUrlProblem } from '../door/httpUrl';
import { MailroomError } from '../errors';

export type TokenSet = {
  accessToken: string;
  refreshToken?: string | undefined;
  expiresIn?: number | undefined;
  idToken?: string | undefined;
};

/** A token endpoint's answer: tokens, or its RFC 6749 error (never its body: it could echo what we sent). */
export type TokenAnswer =
  | { ok: true; tokens: TokenSet; json: Record<string, unknown> }
  | {
      ok: false;
      status: number;
      error: string;
      description?: string | undefined;
      json: Record<string, unknown>;
    };

const text = (x: unknown) => (typeof x === 'string' ? x : undefined);

/** Refuses an endpoint that is not https:// (http:// only on loopback where private hosts are allowed). */
export function assertEndpoint(ctx: Ctx, url: string | undefined, path: string): void {
  if (url === undefined) return;
  const problem = httpUrlProblem(url, ctx.config.allowPrivateHosts);
  if (problem) {
    throw new MailroomError('validation_failed', `The ${path} ${problem}`, {
      errors: [{ path, message: problem }],
    });
  }
}

/** POSTs a form to an OAuth endpoint through the door (destination guard, timeouts, no redirects). */
export async function postForm(
  ctx: Ctx,
  url: string,
  fields: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await guardedRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields).toString(),
    timeoutMs: ctx.config.timeouts.commandMs,
    allowPrivateHosts: ctx.config.allowPrivateHosts,
  });
  let json: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(res.body) as unknown;
    if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
  } catch {
    // not JSON: handled as an answer without a token
  }
  return { status: res.status, json };
}

/** Asks the token endpoint for tokens (a code, a device code, a refresh token). */
export async function tokenRequest(
  ctx: Ctx,
  url: string,
  fields: Record<string, string>,
): Promise<TokenAnswer> {
  const { status, json } = await postForm(ctx, url, fields);
  const accessToken = text(json.access_token);
  if (status === 200 && accessToken) {
    const expiresIn = Number(json.expires_in);
    return {
      ok: true,
      json,
      tokens: {
        accessToken,
        refreshToken: text(json.refresh_token),
        expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
        idToken: text(json.id_token),
      },
    };
  }
  return {
    ok: false,
    status,
    error: text(json.error)?.slice(0, 100) ?? `http_${status}`,
    description: text(json.error_description)?.slice(0, 300),
    json,
  };
}

/**
 * The address the tokens belong to: the id_token's `email` when there is one (read, not verified: it came
 * straight from the token endpoint over TLS, RFC 6749 10.7/OIDC 3.1.3.7), else the userinfo endpoint's.
 */
export async function identityOf(
  ctx: Ctx,
  tokens: TokenSet,
  userinfoEndpoint: string | undefined,
): Promise<string | null> {
  if (tokens.idToken) {
    try {
      const claims = JSON.parse(
        Buffer.from(tokens.idToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
      );
      if (typeof claims?.email === 'string') return claims.email;
    } catch {
      // fall through to userinfo
    }
  }
  if (!userinfoEndpoint) return null;
  try {
    const res = await guardedRequest(userinfoEndpoint, {
      method: 'GET',
      headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
      timeoutMs: ctx.config.timeouts.commandMs,
      allowPrivateHosts: ctx.config.allowPrivateHosts,
    });
    if (res.status !== 200) return null;
    const json = JSON.parse(res.body) as Record<string, unknown>;
    return text(json.email) ?? null;
  } catch (err) {
    if (err instanceof ConnectionFailure || err instanceof SyntaxError) return null;
    throw err;
  }
}
