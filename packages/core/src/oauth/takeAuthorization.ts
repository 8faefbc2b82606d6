import { and, eq, isNull } from 'drizzle-orm';
import type { StoredParts } from '../accounts/codec';
import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { oauthAuthorizations } from '../db/schema';
import { MailroomError } from '../errors';
import { type Connection, connectAccount } from './connectAccount';
import { authorizationOwner } from './owner';

/**
 * How long a finished sign-in (code or device flow, started without an account) may create or connect an
 * account: the form is saved after the consent page, not necessarily at once.
 */
export const AUTHORIZATION_USE_TTL_MS = 60 * 60_000;

const PATH = 'oauthAuthorizationId';

const refuse = (message: string, detail: string, hint?: string) =>
  new MailroomError('validation_failed', `${PATH}: ${detail}`, {
    errors: [{ path: PATH, message }],
    ...(hint ? { hint } : {}),
  });

type Row = typeof oauthAuthorizations.$inferSelect;

/** Why a sign-in cannot connect an account now, or null when it can. */
function problemOf(ctx: Ctx, row: Row | undefined): MailroomError | null {
  // Someone else's sign-in reads like an unknown one: its id says nothing.
  if (!row || row.createdBy !== authorizationOwner(ctx.actor)) {
    return refuse(
      'does not name a sign-in you started',
      'no such sign-in',
      'Sign in with the provider again.',
    );
  }
  if (row.usedAt || row.accountId) {
    return refuse(
      'was already used to connect an account: sign in again',
      'the sign-in was already used',
      'Each sign-in connects one account, once. Sign in with the provider again.',
    );
  }
  if (row.status !== 'connected') {
    return row.status === 'pending'
      ? refuse('is not finished yet: approve it on the provider’s page first', 'the sign-in is not finished')
      : refuse(
          `ended ${row.status}${row.error ? ` (${row.error})` : ''}: sign in again`,
          `the sign-in ended ${row.status}`,
        );
  }
  const finished = row.completedAt ?? row.createdAt;
  if (ctx.now().getTime() - finished.getTime() > AUTHORIZATION_USE_TTL_MS || !row.secrets.refreshToken) {
    return refuse(
      'has expired (a sign-in connects an account within an hour): sign in again',
      'the sign-in has expired',
    );
  }
  return null;
}

/**
 * Checks, before an account is saved, that a sign-in can connect it (this actor's, `connected`, unused,
 * finished less than an hour ago); an expired one loses the refresh token it held. Field-named errors on
 * `oauthAuthorizationId`.
 */
export async function assertAuthorizationUsable(ctx: Ctx, q: Queryable, id: string): Promise<void> {
  const [row] = await q.select().from(oauthAuthorizations).where(eq(oauthAuthorizations.id, id));
  const problem = problemOf(ctx, row);
  if (!problem) return;
  if (row && row.createdBy === authorizationOwner(ctx.actor) && row.status === 'connected' && !row.usedAt) {
    // Expired: nothing to keep (inside a transaction that the refusal rolls back, kept until the next try).
    await q
      .update(oauthAuthorizations)
      .set({ status: 'expired', error: 'Not used within an hour of the sign-in', secrets: {} })
      .where(and(eq(oauthAuthorizations.id, id), isNull(oauthAuthorizations.usedAt)));
  }
  throw problem;
}

/**
 * Takes a finished sign-in for an account being created or changed, in the caller's transaction, with the
 * same checks; marks it used in the statement that finds it unused (two saves cannot both take it) and
 * answers what it connects with; its secrets leave the authorization. Rolled back with the caller's
 * transaction: a refused Save can be retried with the same sign-in.
 */
export async function takeAuthorization(
  ctx: Ctx,
  tx: Queryable,
  id: string,
  accountId: string,
): Promise<Connection> {
  const [row] = await tx.select().from(oauthAuthorizations).where(eq(oauthAuthorizations.id, id));
  const problem = problemOf(ctx, row);
  if (problem || !row) throw problem;
  const [taken] = await tx
    .update(oauthAuthorizations)
    .set({ usedAt: ctx.now(), accountId, secrets: {} })
    .where(and(eq(oauthAuthorizations.id, id), isNull(oauthAuthorizations.usedAt)))
    .returning({ id: oauthAuthorizations.id });
  if (!taken) throw problemOf(ctx, { ...row, usedAt: ctx.now() });
  return {
    identity: row.identity ?? '',
    clientId: row.clientId,
    tokenUrl: row.endpoints.tokenEndpoint,
    refreshToken: ctx.secrets.decrypt(row.secrets.refreshToken ?? ''),
    clientSecret: row.secrets.clientSecret ? ctx.secrets.decrypt(row.secrets.clientSecret) : null,
  };
}

/**
 * Connects an account (just inserted, or just changed) with a finished sign-in: takes it (above) and puts
 * its identity, client and tokens into every OAuth2 part with `connectAccount`, as a reconnect does.
 */
export async function connectWithAuthorization(
  ctx: Ctx,
  tx: Queryable,
  row: AccountRow,
  authorizationId: string,
): Promise<void> {
  const connection = await takeAuthorization(ctx, tx, authorizationId, row.id);
  await connectAccount(ctx, tx, row, connection);
}

/**
 * Before an account is saved with a sign-in: the sign-in can be used (above) and some part signs in with
 * OAuth2. Answers the secrets the sign-in will provide (`outgoing.auth.refreshToken`…), which the input
 * then need not carry.
 */
export async function oauthPartsFor(
  ctx: Ctx,
  q: Queryable,
  authorizationId: string,
  parts: StoredParts,
): Promise<string[]> {
  const paths: string[] = [];
  for (const d of ['outgoing', 'incoming'] as const) {
    const part = parts[d];
    if (part && 'auth' in part && part.auth.method === 'oauth2') paths.push(`${d}.auth.refreshToken`);
  }
  if (!paths.length) {
    throw refuse(
      'needs a part that signs in with OAuth2 (auth method oauth2)',
      'no part of the account signs in with OAuth2',
    );
  }
  await assertAuthorizationUsable(ctx, q, authorizationId);
  return paths;
}
