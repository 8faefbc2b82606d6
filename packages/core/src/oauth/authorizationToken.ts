import { and, eq, isNull } from 'drizzle-orm';
import { ConnectionFailure } from '../connection/failure';
import type { Ctx } from '../context';
import { oauthAuthorizations } from '../db/schema';
import { toInfo } from '../failures/classify';
import { tokenReplyFailure } from '../failures/http';
import type { HeldToken } from './accessTokens';
import { tokenRequest } from './endpoint';
import { assertAuthorizationUsable } from './takeAuthorization';

/** Renewed this long before the endpoint said it expires. */
const EARLY_MS = 60_000;
const DEFAULT_LIFETIME_MS = 30 * 60_000;

/** Access tokens of finished sign-ins not yet used by an account (the form's test before Save), in memory. */
const held = new Map<string, HeldToken>();
const inflight = new Map<string, Promise<HeldToken>>();

/**
 * An access token from a finished sign-in that has no account yet, for the form's "Test" before Save: the
 * same checks as creating the account with it (this actor's, connected, unused, within the hour; field
 * errors on `oauthAuthorizationId`), the refresh at the sign-in's own token endpoint, a rotated refresh
 * token saved back into the sign-in at once (the account created with it takes the current one). Nothing
 * is used up.
 */
export async function authorizationAccessToken(ctx: Ctx, id: string): Promise<() => Promise<string>> {
  await assertAuthorizationUsable(ctx, ctx.db, id);
  return async () => {
    const cached = held.get(id);
    if (cached && cached.expiresAt - EARLY_MS > ctx.now().getTime()) return cached.accessToken;
    let running = inflight.get(id);
    if (!running) {
      running = refresh(ctx, id).finally(() => inflight.delete(id));
      inflight.set(id, running);
    }
    return (await running).accessToken;
  };
}

async function refresh(ctx: Ctx, id: string): Promise<HeldToken> {
  const [row] = await ctx.db.select().from(oauthAuthorizations).where(eq(oauthAuthorizations.id, id));
  const enc = row?.secrets.refreshToken;
  if (!row || !enc || row.usedAt) {
    throw new ConnectionFailure({
      code: 'auth',
      message: 'The sign-in holds no refresh token any more',
      hint: 'Sign in with the provider again.',
    });
  }
  const refreshToken = ctx.secrets.decrypt(enc);
  const fields: Record<string, string> = {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: row.clientId,
  };
  if (row.secrets.clientSecret) fields.client_secret = ctx.secrets.decrypt(row.secrets.clientSecret);
  const answer = await tokenRequest(ctx, row.endpoints.tokenEndpoint, fields);
  if (!answer.ok) {
    throw new ConnectionFailure(
      toInfo(
        tokenReplyFailure({ status: answer.status, error: answer.error, description: answer.description }),
      ),
    );
  }
  const rotated = answer.tokens.refreshToken;
  if (rotated && rotated !== refreshToken) {
    await ctx.db
      .update(oauthAuthorizations)
      .set({ secrets: { ...row.secrets, refreshToken: ctx.secrets.encrypt(rotated) } })
      .where(and(eq(oauthAuthorizations.id, id), isNull(oauthAuthorizations.usedAt)));
  }
  const token: HeldToken = {
    accessToken: answer.tokens.accessToken,
    expiresAt:
      ctx.now().getTime() + (answer.tokens.expiresIn ? answer.tokens.expiresIn * 1000 : DEFAULT_LIFETIME_MS),
  };
  held.set(id, token);
  return token;
}
