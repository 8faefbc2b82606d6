import { eq } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { users } from '../../db/schema';
import { forbidden, parseInput } from '../../errors';
import { profileUpdateSchema, type User } from '../../schemas/auth';
import { auditChange } from '../audit';
import { forgetTokens } from '../tokens/cache';
import { loadUser } from './guards';
import { describeChanges, senderChanges, teamIdsOf, userLabel, userView } from './view';

/**
 * The signed-in user changes their own sending identity: the display name and the sending address that
 * mail they send without a From carries (each account's Send-as rule still applies). Audited like an
 * admin's change. API tokens cannot: a profile belongs to the person signing in.
 */
export async function updateProfile({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<User> {
  const data = parseInput(profileUpdateSchema, input);
  const userId = ctx.actor.userId;
  if (ctx.actor.via !== 'session' || !userId) {
    throw forbidden('Only a signed-in user can change their profile; API tokens cannot');
  }
  let changed = false;
  const user = await ctx.db.transaction(async (tx) => {
    const row = await loadUser(tx, userId, true);
    const changes = senderChanges(row, data);
    if (Object.keys(changes).length === 0) return userView(row, await teamIdsOf(tx, row.id));
    const [updated] = await tx
      .update(users)
      .set({
        ...(data.displayName !== undefined ? { displayName: data.displayName } : {}),
        ...(data.sendingAddress !== undefined ? { sendingAddress: data.sendingAddress } : {}),
      })
      .where(eq(users.id, row.id))
      .returning();
    if (!updated) throw new Error('update of users returned no row');
    await auditChange(ctx, tx, {
      message: `${userLabel(row)} changed their profile: ${describeChanges(changes)}`,
      target: { type: 'user', id: row.id, label: row.email },
      changes,
    });
    changed = true;
    return userView(updated, await teamIdsOf(tx, row.id));
  });
  // Tokens standing for the user carry the sending identity in the token cache.
  if (changed) forgetTokens(ctx.db, { userId });
  return user;
}
