import { and, eq, gt, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { getPath } from '../accounts/codec';
import type { AccountRow } from '../accounts/types';
import type { Ctx, LogInput } from '../context';
import type { Tx } from '../db/client';
import { accounts } from '../db/schema';
import type { Attempted } from '../outbox/deliverMessage';
import { type OutboxPolicy, pauseMs } from '../outbox/policy';
import type { LogSource } from '../schemas/logs';
import { transportOf } from '../transports/registry';
import { setHealthPart } from './setHealthPart';

const OK_REASON = 'Outgoing: deliveries work';

/** Whether the account's sending is known healthy: a success then changes nothing (the outbox skips this work). */
export function sendsHealthy(
  account: Pick<AccountRow, 'failureStreak' | 'pausedUntil' | 'healthParts'>,
): boolean {
  return (
    account.failureStreak === 0 &&
    account.pausedUntil === null &&
    account.healthParts.outgoing?.health === 'ok'
  );
}

/**
 * The outgoing health of the accounts of a batch of attempts, with their circuit breakers, in the outbox's
 * transaction. A success resets the streak, lifts a pause and makes sending `ok`. Account-level failures
 * (connection, TLS, sign-in) add to the streak: below the threshold sending is `degraded`, from it the
 * account is paused (exponentially longer, capped) and `failing`; a refused sign-in is `auth_failed` at
 * once, as the same refusal in a connection test is. A refused sign-in also writes the protocol's auth row
 * (`smtp_auth`, error), one per account and batch. Returns the Main Log rows to write after the commit.
 */
export async function recordSendHealth(
  ctx: Ctx,
  tx: Tx,
  attempts: Attempted[],
  policy: OutboxPolicy,
  now: Date,
): Promise<LogInput[]> {
  const logs: LogInput[] = [];
  const byAccount = new Map<string, { ok: number; failures: Attempted[] }>();
  for (const a of attempts) {
    if (!a.accountId) continue;
    const entry = byAccount.get(a.accountId) ?? { ok: 0, failures: [] };
    if (a.result.ok || !a.result.error.accountLevel) {
      // A refused recipient proves the account reached its server and signed in.
      if (a.result.ok || a.result.error.code === 'rejected') entry.ok += 1;
    } else entry.failures.push(a);
    byAccount.set(a.accountId, entry);
  }

  const recovered = [...byAccount].filter(([, e]) => e.ok > 0).map(([id]) => id);
  if (recovered.length > 0) {
    const rows = (await tx
      .select()
      .from(accounts)
      .where(
        and(
          inArray(accounts.id, recovered),
          or(
            gt(accounts.failureStreak, 0),
            isNotNull(accounts.pausedUntil),
            sql`coalesce(${accounts.healthParts}->'outgoing'->>'health', '') <> 'ok'`,
          ),
        ),
      )
      .for('update')) as AccountRow[];
    for (const row of rows) {
      const wasPaused = row.pausedUntil !== null;
      if (row.failureStreak > 0 || wasPaused) {
        await tx.update(accounts).set({ failureStreak: 0, pausedUntil: null }).where(eq(accounts.id, row.id));
      }
      await setHealthPart(
        ctx,
        tx,
        row.id,
        'outgoing',
        { health: 'ok', reason: OK_REASON },
        {
          row: { ...row, failureStreak: 0, pausedUntil: null },
          ...(wasPaused ? { event: 'Deliveries work again: the account is no longer paused' } : {}),
        },
      );
      if (wasPaused) {
        logs.push({
          source: 'queue',
          level: 'info',
          message: 'Account resumed after a successful delivery',
          accountId: row.id,
        });
      }
    }
  }

  for (const [id, e] of byAccount) {
    if (e.ok > 0 || e.failures.length === 0) continue;
    const last = e.failures[e.failures.length - 1]!;
    if (last.result.ok) continue;
    const error = last.result.error;
    const [row] = (await tx
      .update(accounts)
      .set({ failureStreak: sql`${accounts.failureStreak} + ${e.failures.length}` })
      .where(eq(accounts.id, id))
      .returning()) as AccountRow[];
    if (!row) continue;
    const streak = row.failureStreak;
    const tripped = streak >= policy.breakerThreshold;
    const until = tripped ? new Date(now.getTime() + pauseMs(streak, policy)) : null;
    if (until) await tx.update(accounts).set({ pausedUntil: until }).where(eq(accounts.id, id));
    const what = `${streak === 1 ? 'a delivery' : `${streak} deliveries in a row`} failed (${error.code}): ${error.message}`;
    const health = error.code === 'auth' ? 'auth_failed' : tripped ? 'failing' : 'degraded';
    const wasPaused = row.pausedUntil !== null && row.pausedUntil.getTime() > now.getTime();
    const change = await setHealthPart(
      ctx,
      tx,
      id,
      'outgoing',
      { health, reason: `Outgoing: ${what}${until ? ` — sending paused until ${until.toISOString()}` : ''}` },
      {
        row: { ...row, pausedUntil: until ?? row.pausedUntil },
        ...(until && !wasPaused ? { event: `Sending paused until ${until.toISOString()}: ${what}` } : {}),
        data: {
          ...(until ? { pausedUntil: until.toISOString() } : {}),
          failureStreak: streak,
          error: { code: error.code, message: error.message, reply: error.reply },
        },
      },
    );
    if (until && (!wasPaused || change?.changed)) {
      logs.push({
        source: 'queue',
        level: 'error',
        message: `Account paused until ${until.toISOString()}: ${streak} deliveries in a row failed: ${error.message}`,
        accountId: id,
        context: { failureStreak: streak, errorCode: error.code },
      });
    }
    const auth = e.failures.filter((a) => !a.result.ok && a.result.error.code === 'auth');
    const authSource = row.outgoing ? transportOf(row.outgoing.transport).authLogSource : undefined;
    if (auth.length > 0 && authSource) logs.push(authRow(row, auth, authSource));
  }
  return logs;
}

/**
 * The protocol's auth row for refused sign-ins of one account's sends (`smtp_auth`, error), the same
 * source and level as a connection test's refused `authenticate` step; transports without one (HTTP APIs:
 * a refused key) already have their `outgoing` error row per message.
 */
function authRow(row: AccountRow, refused: Attempted[], source: LogSource): LogInput {
  const outgoing = row.outgoing!;
  const last = refused[refused.length - 1]!;
  const error = last.result.ok ? null : last.result.error;
  const username = getPath(outgoing, 'auth.username');
  const host = getPath(outgoing, 'host');
  const target = typeof host === 'string' ? ` on ${host}:${String(getPath(outgoing, 'port'))}` : '';
  const n = refused.length;
  return {
    source,
    level: 'error',
    message: `${outgoing.transport.toUpperCase()} authentication${typeof username === 'string' ? ` as ${username}` : ''} failed${target} when sending (${n === 1 ? 'message' : `${n} messages`} ${refused
      .slice(0, 3)
      .map((a) => a.message.id)
      .join(
        ', ',
      )}${n > 3 ? ' …' : ''}): ${error?.message ?? 'refused'}${error?.reply ? ` (${error.reply})` : ''}`,
    accountId: row.id,
    context: {
      direction: 'outgoing',
      protocol: outgoing.transport,
      step: 'authenticate',
      ok: false,
      messageIds: refused.slice(0, 20).map((a) => a.message.id),
      error: error
        ? { code: error.code, message: error.message, reply: error.reply, responseCode: error.responseCode }
        : null,
    },
  };
}
