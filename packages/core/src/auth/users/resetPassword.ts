import { eq } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { users } from '../../db/schema';
import { parseInput } from '../../errors';
import { type PasswordResetResult, passwordResetSchema } from '../../schemas/auth';
import { hashPassword, randomToken } from '../../security/hash';
import { auditChange } from '../audit';
import { endSessions } from './endSessions';
import { assertAdmin, loadUser } from './guards';
import { teamIdsOf, userLabel, userView } from './view';

/**
 * Sets a temporary password (admins only): the one given, or one generated and returned here once. The
 * user's sessions end, and their next session can do nothing but choose a new password. Their API tokens
 * are not affected (disable the user to stop those).
 */
export async function resetPassword({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<PasswordResetResult> {
  const { password } = parseInput(passwordResetSchema, input ?? {});
  assertAdmin(ctx);
  // 16 base64url characters: 96 random bits, easy to read out and type once.
  const temporary = password ?? randomToken(12);
  const passwordHash = await hashPassword(temporary);
  const user = await ctx.db.transaction(async (tx) => {
    const row = await loadUser(tx, id, true);
    const [updated] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true })
      .where(eq(users.id, row.id))
      .returning();
    if (!updated) throw new Error('update of users returned no row');
    const ended = await endSessions(tx, row.id);
    await auditChange(ctx, tx, {
      message: `Password of ${userLabel(row)} reset; a new one must be chosen at the next sign-in`,
      target: { type: 'user', id: row.id, label: row.email },
      extra: { generated: password === undefined, endedSessions: ended },
    });
    return userView(updated, await teamIdsOf(tx, row.id));
  });
  return password === undefined ? { user, temporaryPassword: temporary } : { user };
}
