import { eq } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { users } from '../../db/schema';
import { auditChange } from '../audit';
import { forgetTokens } from '../tokens/cache';
import { revokeTokensOfUser } from '../tokens/revokeTokensOfUser';
import { assertAdmin, assertAdminRemains, loadUser, lockEnabledAdmins } from './guards';
import { teamIdsOf, teamNames, userLabel } from './view';

/**
 * Deletes a user (admins only). Their sessions and team memberships go with them; the API tokens they made
 * are revoked (kept as revoked rows). History stays readable: accounts, timelines, logs and tokens name
 * people by email (`createdBy`, `actor`), never by a link to the user row, and the audit row keeps the
 * deleted user's name, email, role and teams. Deleting the last enabled admin is refused.
 */
export async function deleteUser({
  ctx,
  id,
}: {
  ctx: Ctx;
  id: string;
}): Promise<{ id: string; email: string; revokedTokens: number }> {
  assertAdmin(ctx);
  const result = await ctx.db.transaction(async (tx) => {
    const admins = await lockEnabledAdmins(tx);
    const row = await loadUser(tx, id, true);
    assertAdminRemains(row, admins, 'delete');
    const teams = await teamNames(tx, await teamIdsOf(tx, row.id));
    const revoked = await revokeTokensOfUser(tx, row.id, ctx.now());
    await tx.delete(users).where(eq(users.id, row.id));
    await auditChange(ctx, tx, {
      message: `User ${userLabel(row)} deleted${revoked.length ? `; ${revoked.length} API token(s) revoked` : ''}`,
      target: { type: 'user', id: row.id, label: row.email },
      level: 'warning',
      extra: {
        deleted: { name: row.name, email: row.email, role: row.role, teams },
        revoked: revoked.map((t) => t.name),
      },
    });
    return { id: row.id, email: row.email, revokedTokens: revoked.length };
  });
  forgetTokens(ctx.db, { userId: id });
  return result;
}
