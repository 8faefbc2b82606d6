import { and, eq, inArray } from 'drizzle-orm';
import { addTimelineEvent } from '../accounts/timeline';
import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { accounts, messages } from '../db/schema';
import { MailroomError } from '../errors';
import { setHealthPart } from '../health/setHealthPart';
import type { AuthStored } from '../schemas/parts';
import { forgetAccessTokens } from './accessTokens';

export type Connection = {
  identity: string;
  clientId: string;
  tokenUrl: string;
  refreshToken: string;
  clientSecret: string | null;
};

const directions = ['outgoing', 'incoming'] as const;

/**
 * Puts a connect's result into an account, in the caller's transaction: every part that signs in with
 * OAuth2 takes the identity as its username, the token endpoint and client id, and the refresh token
 * (and client secret) encrypted. An account whose health was `auth_failed` from its token is healthy
 * again as far as anyone knows (`unknown`), and its deferred messages are due at once.
 */
export async function connectAccount(
  ctx: Ctx,
  tx: Queryable,
  row: AccountRow,
  c: Connection,
): Promise<Array<(typeof directions)[number]>> {
  const secrets = { ...row.secrets };
  const next: { outgoing?: unknown; incoming?: unknown } = {};
  const connected: Array<(typeof directions)[number]> = [];
  for (const d of directions) {
    const part = row[d] as ({ auth?: AuthStored } & Record<string, unknown>) | null;
    if (!part?.auth || part.auth.method !== 'oauth2') continue;
    next[d] = {
      ...part,
      auth: {
        ...part.auth,
        method: 'oauth2',
        username: c.identity,
        clientId: c.clientId,
        tokenUrl: c.tokenUrl,
      },
    };
    secrets[`${d}.auth.refreshToken`] = ctx.secrets.encrypt(c.refreshToken);
    if (c.clientSecret) secrets[`${d}.auth.clientSecret`] = ctx.secrets.encrypt(c.clientSecret);
    else delete secrets[`${d}.auth.clientSecret`];
    connected.push(d);
  }
  if (!connected.length) {
    throw new MailroomError('account_not_usable', 'No part of this account signs in with OAuth2', {
      errors: [{ path: 'accountId', message: 'has no outgoing or incoming part with auth method oauth2' }],
    });
  }
  const now = ctx.now();
  await tx
    .update(accounts)
    .set({ ...(next as Partial<AccountRow>), secrets, updatedAt: now, updatedBy: ctx.actor.label })
    .where(eq(accounts.id, row.id));
  forgetAccessTokens(row.id);
  for (const d of connected) {
    if (row.healthParts[d]?.health === 'auth_failed') {
      await setHealthPart(ctx, tx, row.id, d, { health: 'unknown', reason: null });
    }
  }
  await addTimelineEvent(ctx, tx, row.id, 'oauth_connected', `Connected with OAuth2 as ${c.identity}`, {
    identity: c.identity,
    parts: connected,
  });
  // The messages deferred while the grant was gone go out now, not at their long backoff.
  await tx
    .update(messages)
    .set({ nextAttemptAt: now })
    .where(and(eq(messages.accountId, row.id), inArray(messages.status, ['deferred'])));
  return connected;
}
