import { eq } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { users, userTeams } from '../../db/schema';
import { parseInput } from '../../errors';
import { roles, type User, userUpdateSchema } from '../../schemas/auth';
import { auditChange } from '../audit';
import { forgetTokens } from '../tokens/cache';
import { revokeTokensOfUser } from '../tokens/revokeTokensOfUser';
import {
  assertAdmin,
  assertAdminRemains,
  assertTeamAdminHasTeam,
  assertTeamsExist,
  loadUser,
  lockEnabledAdmins,
} from './guards';
import { describeChanges, outranks, senderChanges, teamIdsOf, teamNames, userLabel, userView } from './view';

/**
 * Changes a user's name, role, teams or sending identity (admins only; users change their own sending
 * identity with updateProfile). Sessions pick the change up on their next request.
 * Demoting a user revokes the API tokens they made that now outrank them (a token is never worth more
 * than the person it stands for); demoting the last enabled admin is refused.
 */
export async function updateUser({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<User> {
  const data = parseInput(userUpdateSchema, input);
  assertAdmin(ctx);
  let revokedIds: string[] = [];
  let roleChanged = false;
  let senderChanged = false;
  const user = await ctx.db.transaction(async (tx) => {
    // Only a role change can take an admin away; it locks the admins first (see lockEnabledAdmins).
    const admins = data.role !== undefined && data.role !== 'admin' ? await lockEnabledAdmins(tx) : [];
    const row = await loadUser(tx, id, true);
    const currentTeams = await teamIdsOf(tx, row.id);
    const nextRole = data.role ?? row.role;
    const nextTeams = data.teamIds ? [...new Set(data.teamIds)] : currentTeams;
    assertTeamAdminHasTeam(nextRole, nextTeams);
    if (data.teamIds) await assertTeamsExist(tx, nextTeams, 'teamIds');
    if (nextRole !== 'admin') assertAdminRemains(row, admins, 'demote');

    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (data.name !== undefined && data.name !== row.name) changes.name = { from: row.name, to: data.name };
    if (nextRole !== row.role) changes.role = { from: row.role, to: nextRole };
    Object.assign(changes, senderChanges(row, data));
    const teamsChanged =
      nextTeams.length !== currentTeams.length || nextTeams.some((t) => !currentTeams.includes(t));
    if (teamsChanged) {
      changes.teams = { from: await teamNames(tx, currentTeams), to: await teamNames(tx, nextTeams) };
    }
    if (Object.keys(changes).length === 0) return userView(row, currentTeams);

    const [updated] = await tx
      .update(users)
      .set({
        name: data.name ?? row.name,
        role: nextRole,
        ...(data.displayName !== undefined ? { displayName: data.displayName } : {}),
        ...(data.sendingAddress !== undefined ? { sendingAddress: data.sendingAddress } : {}),
      })
      .where(eq(users.id, row.id))
      .returning();
    if (!updated) throw new Error('update of users returned no row');
    if (teamsChanged) {
      await tx.delete(userTeams).where(eq(userTeams.userId, row.id));
      if (nextTeams.length > 0) {
        await tx.insert(userTeams).values(nextTeams.map((teamId) => ({ userId: row.id, teamId })));
      }
    }
    const above = roles.filter((r) => outranks(r, nextRole));
    const revoked = outranks(row.role, nextRole)
      ? await revokeTokensOfUser(tx, row.id, ctx.now(), above)
      : [];
    revokedIds = revoked.map((t) => t.id);
    roleChanged = nextRole !== row.role;
    senderChanged = 'displayName' in changes || 'sendingAddress' in changes;
    await auditChange(ctx, tx, {
      message: `User ${userLabel(updated)} changed: ${describeChanges(changes)}${revoked.length ? `; ${revoked.length} API token(s) above the new role revoked` : ''}`,
      target: { type: 'user', id: row.id, label: row.email },
      changes,
      ...(revoked.length ? { extra: { revoked: revoked.map((t) => t.name) } } : {}),
    });
    return userView(updated, nextTeams);
  });
  // The token cache holds the owner's role (a token never outranks it) and sending identity: forget it
  // after a change of either.
  if (roleChanged || senderChanged) forgetTokens(ctx.db, { tokenIds: revokedIds, userId: id });
  return user;
}
