import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../context';
import { loginAttempts } from '../../db/schema';
import { parseInput } from '../../errors';
import { loginAttemptSchema } from './checkLogin';
import { throttleKey } from './policy';

const releaseSchema = loginAttemptSchema.extend({
  /** The password was right (otherwise the attempt ended before any password was checked). */
  signedIn: z.boolean(),
});

/**
 * Gives back the failure `checkLogin` counted for an attempt that was no wrong password. A sign-in also
 * forgets the account's failures, but never the address's: anyone holding one account could otherwise
 * wipe their address's count by signing in to it between guesses at another.
 */
export async function releaseLoginAttempt({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  const { address, email, signedIn } = parseInput(releaseSchema, input);
  const t = loginAttempts;
  const giveBack = { failures: sql`greatest(${t.failures} - 1, 0)` };
  await ctx.db
    .update(t)
    .set(giveBack)
    .where(and(eq(t.kind, 'address'), eq(t.keyHash, throttleKey('address', address))));
  if (!email) return;
  await ctx.db
    .update(t)
    .set(signedIn ? { failures: 0 } : giveBack)
    .where(and(eq(t.kind, 'account'), eq(t.keyHash, throttleKey('account', email))));
}
