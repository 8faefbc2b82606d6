import { z } from 'zod';
import type { Ctx } from '../../context';
import { parseInput } from '../../errors';
import { countAttempt } from './countAttempt';
import { ADDRESS_LOCK_MS, ADDRESS_MAX_FAILURES, addressGroup, delayFor, throttleKey } from './policy';

export const loginAttemptSchema = z.object({
  /** The client address (the API decides whether X-Forwarded-For is trusted). */
  address: z.string().min(1).max(200),
  /** The email typed, when the body had one; counted whether or not such a user exists. */
  email: z.string().max(320).nullable(),
});
export type LoginAttempt = z.infer<typeof loginAttemptSchema>;

export type LoginVerdict = { allowed: true; delayMs: number } | { allowed: false; retryAfterSec: number };

/**
 * Counts a sign-in attempt as a failure before the password is checked (so parallel guesses cannot slip
 * past the limit; `releaseLoginAttempt` gives it back when it was no wrong password) and says whether to
 * refuse it (its address failed too often) or after how long to answer (its address or account failed).
 */
export async function checkLogin({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<LoginVerdict> {
  const { address, email } = parseInput(loginAttemptSchema, input);
  const now = ctx.now();
  const byAddress = await countAttempt(ctx.db, 'address', throttleKey('address', address), now);
  if (byAddress.lockedUntil && byAddress.lockedUntil > now) {
    if (byAddress.lockedNow) {
      await ctx.log({
        source: 'audit',
        level: 'warning',
        message: `Sign-ins from ${addressGroup(address)} refused for ${ADDRESS_LOCK_MS / 60_000} minutes after ${ADDRESS_MAX_FAILURES} failed attempts`,
        context: { address: addressGroup(address), lockedUntil: byAddress.lockedUntil.toISOString() },
      });
    }
    return {
      allowed: false,
      retryAfterSec: Math.ceil((byAddress.lockedUntil.getTime() - now.getTime()) / 1000),
    };
  }
  // A refused attempt never reaches the account: an attacker refused by address cannot slow it further.
  const byAccount = email ? await countAttempt(ctx.db, 'account', throttleKey('account', email), now) : null;
  const before = Math.max(byAddress.failures, byAccount?.failures ?? 0) - 1;
  return { allowed: true, delayMs: delayFor(before) };
}
