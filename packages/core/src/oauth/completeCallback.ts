import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { oauthAuthorizations } from '../db/schema';
import { tokenRequest } from './endpoint';
import { endAuthorization, finishAuthorization } from './finishAuthorization';
import { hashState } from './pkce';
import type { OAuthCallbackQuery, OAuthCallbackResult } from './schemas';

export type CallbackResult = {
  /** `invalid`: no pending authorization has this state (foreign, replayed or made up). */
  result: OAuthCallbackResult;
  authorizationId: string | null;
  accountId: string | null;
};

/**
 * The provider sent the browser back. The state is taken once (cleared in the same statement that finds
 * it, so a replay finds nothing), must not be older than its 10 minutes, and the code is exchanged with the
 * PKCE verifier through the door. Answers only a result flag: the browser is redirected to the web UI.
 */
export async function completeCallback({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: OAuthCallbackQuery;
}): Promise<CallbackResult> {
  if (!input.state) return { result: 'invalid', authorizationId: null, accountId: null };
  const [row] = await ctx.db
    .update(oauthAuthorizations)
    .set({ stateHash: null })
    .where(
      and(
        eq(oauthAuthorizations.stateHash, hashState(input.state)),
        eq(oauthAuthorizations.status, 'pending'),
      ),
    )
    .returning();
  if (!row || row.flow !== 'code') {
    await ctx.log({
      source: 'audit',
      level: 'warning',
      message: 'OAuth2 callback refused: its state matches no pending sign-in (replayed, foreign or expired)',
    });
    return { result: 'invalid', authorizationId: null, accountId: null };
  }
  const done = (result: CallbackResult['result']): CallbackResult => ({
    result,
    authorizationId: row.id,
    accountId: row.accountId,
  });
  if (ctx.now() >= row.expiresAt) {
    await endAuthorization(ctx, row.id, 'expired', 'The sign-in took longer than 10 minutes');
    return done('expired');
  }
  if (input.error) {
    const denied = input.error === 'access_denied';
    await endAuthorization(
      ctx,
      row.id,
      denied ? 'denied' : 'error',
      denied ? 'The sign-in was denied' : `The provider answered ${input.error.slice(0, 100)}`,
    );
    return done(denied ? 'denied' : 'error');
  }
  const verifier = row.secrets.verifier ? ctx.secrets.decrypt(row.secrets.verifier) : null;
  if (!input.code || !verifier || !row.redirectUri) {
    await endAuthorization(ctx, row.id, 'error', 'The provider sent no code');
    return done('error');
  }
  const fields: Record<string, string> = {
    grant_type: 'authorization_code',
    code: input.code,
    redirect_uri: row.redirectUri,
    client_id: row.clientId,
    code_verifier: verifier,
  };
  if (row.secrets.clientSecret) fields.client_secret = ctx.secrets.decrypt(row.secrets.clientSecret);
  let answer: Awaited<ReturnType<typeof tokenRequest>>;
  try {
    answer = await tokenRequest(ctx, row.endpoints.tokenEndpoint, fields);
  } catch (err) {
    await endAuthorization(
      ctx,
      row.id,
      'error',
      `The token endpoint did not answer: ${err instanceof Error ? err.message : String(err)}`,
    );
    return done('error');
  }
  if (!answer.ok) {
    await endAuthorization(ctx, row.id, 'error', `The token endpoint refused the code (${answer.error})`);
    return done('error');
  }
  return done(await finishAuthorization(ctx, row, answer.tokens));
}
