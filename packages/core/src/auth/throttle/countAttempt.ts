import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { loginAttempts } from '../../db/schema';
import { ADDRESS_LOCK_MS, ADDRESS_MAX_FAILURES, LOGIN_WINDOW_MS, type ThrottleKind } from './policy';

export type Counted = {
  /** Failures in the window, this attempt included (refused attempts too: they end with the lock). */
  failures: number;
  lockedUntil: Date | null;
  /** This attempt is the one that locked the address. */
  lockedNow: boolean;
};

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * Counts one attempt for a key in a single `INSERT … ON CONFLICT DO UPDATE … RETURNING`: the row is
 * locked for the statement, so processes counting the same key at once each get their own number.
 * Addresses past ADDRESS_MAX_FAILURES are locked; accounts never are.
 */
export async function countAttempt(
  q: Queryable,
  kind: ThrottleKind,
  keyHash: string,
  now: Date,
): Promise<Counted> {
  const t = loginAttempts;
  const lockEnd = new Date(now.getTime() + ADDRESS_LOCK_MS);
  // Inside DO UPDATE the bare columns are the stored row's values, before this update.
  const locked = sql`coalesce(${t.lockedUntil} > ${at(now)}, false)`;
  const expired = sql`${t.windowStart} <= ${at(new Date(now.getTime() - LOGIN_WINDOW_MS))}`;
  // A locked address keeps its window: the lock outlasts it, so the count starts afresh when it ends.
  const failures = sql`case when ${expired} and not ${locked} then 1 else ${t.failures} + 1 end`;
  const [row] = await q
    .insert(t)
    .values({ kind, keyHash, windowStart: now, failures: 1, lockedUntil: null })
    .onConflictDoUpdate({
      target: [t.kind, t.keyHash],
      set: {
        failures,
        windowStart: sql`case when ${locked} or not ${expired} then ${t.windowStart} else ${at(now)} end`,
        lockedUntil:
          kind === 'address'
            ? sql`case when ${locked} then ${t.lockedUntil} when (${failures}) > ${ADDRESS_MAX_FAILURES} then ${at(lockEnd)} else null end`
            : sql`null`,
      },
    })
    .returning({ failures: t.failures, lockedUntil: t.lockedUntil });
  if (!row) throw new Error('login_attempts upsert returned no row');
  return {
    failures: row.failures,
    lockedUntil: row.lockedUntil,
    // Counts keep rising while locked, so exactly one attempt sees the count that crossed the limit.
    lockedNow: kind === 'address' && row.failures === ADDRESS_MAX_FAILURES + 1,
  };
}
