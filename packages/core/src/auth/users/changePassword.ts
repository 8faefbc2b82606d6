import { eq } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { users } from '../../db/schema';
import { forbidden, MailroomError, parseInput } from '../../errors';
import { passwordChangeSchema, type User } from '../../schemas/auth';
import { hashPassword, verifyPassword } from '../../security/hash';
import { auditChange } from '../audit';
import { endSessions } from './endSessions';
import { loadUser } from './guards';
import { teamIdsOf, userLabel, userView } from './view';

/**
 * The signed-in user changes their own password, giving the current one. Their other sessions end (the
 * one in use, `keepSessionHash`, stays); a pending "must change" is cleared. Tokens cannot do this: a
 * password belongs to a person signing in.
 */
export async function changePassword({
  ctx,
  input,
  keepSessionHash,
}: {
  ctx: Ctx;
  input: unknown;
  keepSessionHash?: string | undefined;
}): Promise<User> {
  const { currentPassword, newPassword } = parseInput(passwordChangeSchema, input);
  const userId = ctx.actor.userId;
  if (ctx.actor.via !== 'session' || !userId) {
    throw forbidden('Only a signed-in user can change their password; API tokens cannot');
  }
  const current = await loadUser(ctx.db, userId);
  if (!(await verifyPassword(currentPassword, current.passwordHash))) {
    // 401, not 400: the sign-in limiter counts it like a wrong password at sign-in (guessing is guessing).
    throw new MailroomError('unauthenticated', 'The current password is wrong', {
      errors: [{ path: 'currentPassword', message: 'is wrong' }],
    });
  }
  const passwordHash = await hashPassword(newPassword);
  return ctx.db.transaction(async (tx) => {
    const row = await loadUser(tx, userId, true);
    // Someone (an admin's reset, another session) changed it since it was checked: check again, atomically.
    if (row.passwordHash !== current.passwordHash) {
      throw new MailroomError('conflict', 'The password was changed meanwhile; sign in again and retry');
    }
    const [updated] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false })
      .where(eq(users.id, row.id))
      .returning();
    if (!updated) throw new Error('update of users returned no row');
    const ended = await endSessions(tx, row.id, keepSessionHash);
    await auditChange(ctx, tx, {
      message: `${userLabel(row)} changed their password${row.mustChangePassword ? ' (required after a reset)' : ''}`,
      target: { type: 'user', id: row.id, label: row.email },
      extra: { endedSessions: ended },
    });
    return userView(updated, await teamIdsOf(tx, row.id));
  });
}
