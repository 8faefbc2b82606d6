import { eq, sql } from 'drizzle-orm';
import { addTimelineEvent } from '../accounts/timeline';
import type { AccountRow } from '../accounts/types';
import { ConnectionFailure } from '../connection/failure';
import type { Ctx } from '../context';
import { isSharedDatabase, type Queryable } from '../db/client';
import { accounts } from '../db/schema';
import { toInfo } from '../failures/classify';
import { tokenReplyFailure } from '../failures/http';
import { setHealthPart } from '../health/setHealthPart';
import type { Direction } from '../schemas/account';
import { tokenRequest } from './endpoint';

/** A token is renewed this long before the endpoint said it expires, so no session starts with a dying one. */
const EARLY_MS = 60_000;
/** When the endpoint gives no lifetime. */
const DEFAULT_LIFETIME_MS = 30 * 60_000;

export type HeldToken = { accessToken: string; expiresAt: number };

/** Access tokens per account (both directions share the account's grant), in this process's memory only. */
const held = new Map<string, HeldToken>();
/** One refresh in flight per account in this process; across processes the advisory lock (below). */
const inflight = new Map<string, Promise<HeldToken>>();

/** Drops an account's cached access token (a reconnect, a settings change). */
export function forgetAccessTokens(accountId: string): void {
  held.delete(accountId);
}

/** The refresh counts of this process, for tests: how many requests went to a token endpoint. */
export const refreshStats = { requests: 0 };

/** Raised when the provider refused the refresh token itself: the account needs a reconnect. */
export class OAuthRevoked extends ConnectionFailure {}

/**
 * An access token for an account's OAuth2 part: the cached one until shortly before it expires, else a
 * refresh. `renew`: the server refused the cached one (an authentication failure), so refresh once.
 * Concurrent callers share one refresh (promise per account); on a shared Postgres the refresh runs under
 * `pg_advisory_xact_lock` on the account and re-reads the stored refresh token after taking it, so two
 * workers never present the same refresh token. A rotated refresh token is saved in that transaction,
 * before anyone can use it. `invalid_grant` sets the direction's health to `auth_failed`, with a timeline
 * event and a Main Log error, and throws `OAuthRevoked`.
 */
export function accountAccessToken(
  ctx: Ctx,
  accountId: string,
  direction: Direction,
  opts: { renew?: boolean; refused?: string } = {},
): Promise<HeldToken> {
  const now = ctx.now().getTime();
  const cached = held.get(accountId);
  if (!opts.renew && cached && cached.expiresAt - EARLY_MS > now) return Promise.resolve(cached);
  if (opts.renew && cached && opts.refused && cached.accessToken !== opts.refused) {
    // Someone else renewed it since the refused one was handed out.
    return Promise.resolve(cached);
  }
  let running = inflight.get(accountId);
  if (!running) {
    running = refresh(ctx, accountId, direction).finally(() => inflight.delete(accountId));
    inflight.set(accountId, running);
  }
  return running;
}

async function refresh(ctx: Ctx, accountId: string, direction: Direction): Promise<HeldToken> {
  let revoked: { reason: string } | null = null;
  const run = async (tx: Queryable, lock: boolean) => {
    if (lock) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`mailroom:oauth:${accountId}`}))`);
    // Read after the lock: another worker may have rotated the refresh token meanwhile.
    const [row] = (await tx.select().from(accounts).where(eq(accounts.id, accountId))) as AccountRow[];
    const part = row?.[direction] as {
      auth?: { method: string; clientId?: string; tokenUrl?: string };
    } | null;
    const auth = part?.auth;
    const enc = row?.secrets[`${direction}.auth.refreshToken`];
    if (!row || !auth || auth.method !== 'oauth2' || !auth.tokenUrl || !auth.clientId || !enc) {
      throw new ConnectionFailure({
        code: 'auth',
        message: 'This OAuth2 account has no refresh token',
        hint: 'Connect the account again to store a refresh token.',
      });
    }
    const refreshToken = ctx.secrets.decrypt(enc);
    const fields: Record<string, string> = {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: auth.clientId,
    };
    const secretEnc = row.secrets[`${direction}.auth.clientSecret`];
    if (secretEnc) fields.client_secret = ctx.secrets.decrypt(secretEnc);
    refreshStats.requests++;
    const answer = await tokenRequest(ctx, auth.tokenUrl, fields);
    if (!answer.ok) {
      if (answer.error === 'invalid_grant' && answer.status < 500) {
        revoked = { reason: answer.description ?? 'invalid_grant' };
      }
      throw new (revoked ? OAuthRevoked : ConnectionFailure)(
        toInfo(
          tokenReplyFailure({ status: answer.status, error: answer.error, description: answer.description }),
        ),
      );
    }
    const rotated = answer.tokens.refreshToken;
    if (rotated && rotated !== refreshToken) {
      // Every copy of the old token (both parts may share one grant) takes the new one.
      const secrets = { ...row.secrets };
      for (const [path, value] of Object.entries(secrets)) {
        if (path.endsWith('.auth.refreshToken') && ctx.secrets.decrypt(value) === refreshToken) {
          secrets[path] = ctx.secrets.encrypt(rotated);
        }
      }
      await tx.update(accounts).set({ secrets }).where(eq(accounts.id, accountId));
    }
    const token: HeldToken = {
      accessToken: answer.tokens.accessToken,
      expiresAt:
        ctx.now().getTime() +
        (answer.tokens.expiresIn ? answer.tokens.expiresIn * 1000 : DEFAULT_LIFETIME_MS),
    };
    held.set(accountId, token);
    return token;
  };
  try {
    return isSharedDatabase(ctx.db)
      ? await ctx.db.transaction((tx) => run(tx, true))
      : // One process only (the embedded database): the promise map is the lock, and no transaction is held
        // open across the HTTP request.
        await run(ctx.db, false);
  } catch (err) {
    if (revoked) await markRevoked(ctx, accountId, direction, (revoked as { reason: string }).reason);
    throw err;
  }
}

/** The grant is gone: health `auth_failed` (with the reconnect hint in its reason), timeline, Main Log. */
async function markRevoked(ctx: Ctx, accountId: string, direction: Direction, why: string): Promise<void> {
  held.delete(accountId);
  const reason = `OAuth2 consent revoked or expired (${why.slice(0, 200)}): reconnect the account`;
  await ctx.db.transaction(async (tx) => {
    const change = await setHealthPart(ctx, tx, accountId, direction, { health: 'auth_failed', reason });
    if (change && !change.changed) return;
    await addTimelineEvent(
      ctx,
      tx,
      accountId,
      'oauth_revoked',
      'OAuth2 access was revoked: reconnect the account',
      {
        direction,
        reason: why.slice(0, 200),
      },
    );
  });
  await ctx.log({
    source: direction === 'outgoing' ? 'outgoing' : 'incoming',
    level: 'error',
    message: `OAuth2 refresh token refused (${why.slice(0, 200)}): the account needs a reconnect`,
    accountId,
    context: { direction, reconnect: true },
  });
}
