import { eq } from 'drizzle-orm';
import { loadAccount } from '../accounts/load';
import type { Ctx } from '../context';
import { oauthAuthorizations } from '../db/schema';
import { connectAccount } from './connectAccount';
import { identityOf, type TokenSet } from './endpoint';
import { ownerLabel } from './owner';

type AuthorizationRow = typeof oauthAuthorizations.$inferSelect;

/**
 * The tokens came: reads the identity, keeps the refresh token (encrypted) on the authorization and, for a
 * reconnect, puts it into the account at once, in one transaction. Answers the status it ended in.
 */
export async function finishAuthorization(
  ctx: Ctx,
  row: AuthorizationRow,
  tokens: TokenSet,
): Promise<'connected' | 'error'> {
  const now = ctx.now();
  if (!tokens.refreshToken) {
    await fail(ctx, row.id, 'The provider gave no refresh token (ask for offline access)');
    return 'error';
  }
  const identity = await identityOf(ctx, tokens, row.endpoints.userinfoEndpoint);
  if (!identity) {
    await fail(ctx, row.id, 'The provider did not say which address the tokens belong to');
    return 'error';
  }
  const clientSecret = row.secrets.clientSecret ? ctx.secrets.decrypt(row.secrets.clientSecret) : null;
  // The callback runs without a session (its state is its credential): the change is the doing of whoever
  // started the sign-in, and the account's timeline says so.
  const as: Ctx = row.createdBy ? { ...ctx, actor: { ...ctx.actor, label: ownerLabel(row.createdBy) } } : ctx;
  await ctx.db.transaction(async (tx) => {
    const secrets: Record<string, string> = { ...row.secrets };
    delete secrets.verifier;
    delete secrets.deviceCode;
    secrets.refreshToken = ctx.secrets.encrypt(tokens.refreshToken as string);
    let usedAt: Date | null = null;
    if (row.accountId) {
      const account = await loadAccount(as, tx, row.accountId, true);
      await connectAccount(as, tx, account, {
        identity,
        clientId: row.clientId,
        tokenUrl: row.endpoints.tokenEndpoint,
        refreshToken: tokens.refreshToken as string,
        clientSecret,
      });
      usedAt = now;
      // The account holds it now; the authorization keeps no copy.
      delete secrets.refreshToken;
      delete secrets.clientSecret;
    }
    await tx
      .update(oauthAuthorizations)
      .set({ status: 'connected', identity, secrets, completedAt: now, usedAt, stateHash: null })
      .where(eq(oauthAuthorizations.id, row.id));
  });
  // The messages that waited for this reconnect are due now: wake the workers.
  if (row.accountId) ctx.outbox.wake.notify();
  await ctx.log({
    source: 'audit',
    level: 'info',
    message: `OAuth2 connected as ${identity}`,
    accountId: row.accountId,
    context: { authorizationId: row.id, flow: row.flow, identity },
  });
  return 'connected';
}

export async function endAuthorization(
  ctx: Ctx,
  id: string,
  status: 'denied' | 'expired' | 'error',
  error: string,
): Promise<void> {
  await ctx.db
    .update(oauthAuthorizations)
    .set({ status, error, completedAt: ctx.now(), stateHash: null, secrets: {} })
    .where(eq(oauthAuthorizations.id, id));
  await ctx.log({
    source: 'audit',
    level: status === 'error' ? 'error' : 'warning',
    message: `OAuth2 sign-in ${status}: ${error}`,
    context: { authorizationId: id },
  });
}

const fail = (ctx: Ctx, id: string, error: string) => endAuthorization(ctx, id, 'error', error);
