import { and, desc, eq, gt } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { accountEvents, verificationCodes } from '../db/schema';
import type { VerificationPending } from '../schemas/verification';
import { MAX_ATTEMPTS, MAX_PER_HOUR, RESEND_AFTER_MS } from './code';

const HOUR_MS = 3600_000;

/**
 * The code of an account that can still be typed back, and when another may be sent. Pending means what
 * `confirmVerification` would try: the newest code, not used, not expired, attempts left, and sent after the
 * last change of the connection settings. Only timestamps, the recipient and a count: never the code.
 * `earlier` lists the sending times of the last hour, newest first (for the rate limit).
 */
export async function codeState(
  q: Queryable,
  accountId: string,
  now: Date,
): Promise<{ pending: VerificationPending | null; resendAfter: Date | null; earlier: Date[] }> {
  // A code lives 10 minutes and the hourly limit looks back one hour: older rows decide nothing.
  const recent = await q
    .select()
    .from(verificationCodes)
    .where(
      and(
        eq(verificationCodes.accountId, accountId),
        gt(verificationCodes.createdAt, new Date(now.getTime() - HOUR_MS)),
      ),
    )
    .orderBy(desc(verificationCodes.createdAt));
  const earlier = recent.map((r) => r.createdAt);
  const next = nextCodeAt(earlier, now);
  const resendAfter = next > now.getTime() ? new Date(next) : null;
  const latest = recent[0];
  if (
    !latest ||
    latest.usedAt ||
    latest.attempts >= MAX_ATTEMPTS ||
    latest.expiresAt.getTime() <= now.getTime()
  ) {
    return { pending: null, resendAfter, earlier };
  }
  const reset = await q
    .select({ id: accountEvents.id })
    .from(accountEvents)
    .where(
      and(
        eq(accountEvents.accountId, accountId),
        eq(accountEvents.type, 'verification_reset'),
        gt(accountEvents.at, latest.createdAt),
      ),
    )
    .limit(1);
  if (reset.length > 0) return { pending: null, resendAfter, earlier };
  return {
    pending: {
      to: latest.sentTo,
      sentAt: latest.createdAt.toISOString(),
      expiresAt: latest.expiresAt.toISOString(),
      attemptsLeft: MAX_ATTEMPTS - latest.attempts,
    },
    resendAfter,
    earlier,
  };
}

/**
 * When the next code may be sent (epoch ms; at or before `now` means at once): 30 seconds after the last
 * one, and no more than five in any hour. `sentAt` is newest first.
 */
export function nextCodeAt(sentAt: readonly Date[], now: Date): number {
  const hourAgo = now.getTime() - HOUR_MS;
  const within = sentAt.filter((d) => d.getTime() > hourAgo);
  const last = within[0];
  const fifth = within.length >= MAX_PER_HOUR ? within[MAX_PER_HOUR - 1] : undefined;
  return Math.max(last ? last.getTime() + RESEND_AFTER_MS : 0, fifth ? fifth.getTime() + HOUR_MS : 0);
}
