import { and, isNull, lt, or } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { loginAttempts } from '../../db/schema';
import { LOGIN_WINDOW_MS } from './policy';

/** Deletes sign-in counters whose window has ended and whose lock (if any) has run out. */
export async function pruneLoginAttempts(ctx: Ctx): Promise<{ deleted: number }> {
  const now = ctx.now();
  const t = loginAttempts;
  const deleted = await ctx.db
    .delete(t)
    .where(
      and(
        lt(t.windowStart, new Date(now.getTime() - LOGIN_WINDOW_MS)),
        or(isNull(t.lockedUntil), lt(t.lockedUntil, now)),
      ),
    )
    .returning({ kind: t.kind });
  return { deleted: deleted.length };
}
