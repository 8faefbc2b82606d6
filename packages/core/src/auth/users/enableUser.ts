import { eq } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { users } from '../../db/schema';
import type { User } from '../../schemas/auth';
import { auditChange } from '../audit';
import { assertAdmin, loadUser } from './guards';
import { teamIdsOf, userLabel, userView } from './view';

/** Enables a disabled user (admins only): they may sign in again and the tokens they made work again. */
export async function enableUser({ ctx, id }: { ctx: Ctx; id: string }): Promise<User> {
  assertAdmin(ctx);
  return ctx.db.transaction(async (tx) => {
    const row = await loadUser(tx, id, true);
    if (!row.disabledAt) return userView(row, await teamIdsOf(tx, row.id));
    const [updated] = await tx
      .update(users)
      .set({ disabledAt: null })
      .where(eq(users.id, row.id))
      .returning();
    if (!updated) throw new Error('update of users returned no row');
    await auditChange(ctx, tx, {
      message: `User ${userLabel(row)} enabled`,
      target: { type: 'user', id: row.id, label: row.email },
      changes: { disabled: { from: true, to: false } },
    });
    return userView(updated, await teamIdsOf(tx, row.id));
  });
}
