import { eq } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { users } from '../../db/schema';
import { parseInput } from '../../errors';
import { type User, userDisableSchema } from '../../schemas/auth';
import { auditChange } from '../audit';
import { forgetTokens } from '../tokens/cache';
import { endSessions } from './endSessions';
import { assertAdmin, assertAdminRemains, loadUser, lockEnabledAdmins } from './guards';
import { teamIdsOf, userLabel, userView } from './view';

/**
 * Disables a user (admins only): they cannot sign in, their sessions end and the API tokens they made stop
 * working at once (this process forgets them from its cache; other processes within the cache's few
 * seconds). The tokens are kept, not revoked: enabling the user brings them back. Disabling the last
 * enabled admin is refused. Disabling a disabled user changes nothing.
 */
export async function disableUser({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<User> {
  const { reason } = parseInput(userDisableSchema, input ?? {});
  assertAdmin(ctx);
  const user = await ctx.db.transaction(async (tx) => {
    const admins = await lockEnabledAdmins(tx);
    const row = await loadUser(tx, id, true);
    if (row.disabledAt) return userView(row, await teamIdsOf(tx, row.id));
    assertAdminRemains(row, admins, 'disable');
    const [updated] = await tx
      .update(users)
      .set({ disabledAt: ctx.now() })
      .where(eq(users.id, row.id))
      .returning();
    if (!updated) throw new Error('update of users returned no row');
    const ended = await endSessions(tx, row.id);
    await auditChange(ctx, tx, {
      message: `User ${userLabel(row)} disabled${reason ? `: ${reason}` : ''}`,
      target: { type: 'user', id: row.id, label: row.email },
      changes: { disabled: { from: false, to: true } },
      level: 'warning',
      extra: { reason: reason ?? null, endedSessions: ended },
    });
    return userView(updated, await teamIdsOf(tx, row.id));
  });
  forgetTokens(ctx.db, { userId: id });
  return user;
}
