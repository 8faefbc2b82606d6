import { and, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import { addTimelineEvent } from '../../accounts/timeline';
import type { Ctx } from '../../context';
import { accountDefaults, accounts, apiTokens, teams, users, userTeams } from '../../db/schema';
import { MailroomError, parseInput } from '../../errors';
import { type TeamDeleted, teamDeleteQuerySchema } from '../../schemas/auth';
import { auditChange } from '../audit';
import { forgetTokens } from '../tokens/cache';
import { assertAdmin } from '../users/guards';
import { loadTeam } from './guards';

/**
 * Deletes a team (admins only). A team that still has mail accounts (deleted ones too: they keep their
 * team until restored) is refused with the count, unless `moveAccountsTo: 'system'` moves them to the
 * system level first (each account's timeline says so). The team's defaults are cleared, its members
 * lose the membership, and API tokens lose the team (a team-admin token left with no team is revoked).
 */
export async function deleteTeam({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<TeamDeleted> {
  const { moveAccountsTo } = parseInput(teamDeleteQuerySchema, input ?? {});
  assertAdmin(ctx);
  let touchedTokens: string[] = [];
  const result = await ctx.db.transaction(async (tx) => {
    // Locked: an account created for this team meanwhile waits on it (the foreign key), then fails cleanly.
    const team = await loadTeam(tx, id, true);
    const byStage = await tx
      .select({ stage: accounts.stage, n: count() })
      .from(accounts)
      .where(eq(accounts.teamId, team.id))
      .groupBy(accounts.stage);
    const total = byStage.reduce((sum, s) => sum + Number(s.n), 0);
    const deleted = Number(byStage.find((s) => s.stage === 'deleted')?.n ?? 0);
    if (total > 0 && moveAccountsTo !== 'system') {
      const what = `${total} mail account${total === 1 ? '' : 's'}${deleted ? ` (${deleted} deleted)` : ''}`;
      throw new MailroomError('conflict', `Team “${team.name}” still has ${what}`, {
        errors: [{ path: 'moveAccountsTo', message: `the team has ${what}; move them to delete it` }],
        hint: 'Move its accounts to another team first, or delete the team with moveAccountsTo=system to move them to the system level.',
        extra: { accounts: total, deletedAccounts: deleted },
      });
    }

    const now = ctx.now();
    const moved =
      total > 0
        ? await tx
            .update(accounts)
            .set({ teamId: null, updatedAt: now, updatedBy: ctx.actor.label })
            .where(eq(accounts.teamId, team.id))
            .returning({ id: accounts.id })
        : [];
    for (const a of moved) {
      await addTimelineEvent(
        ctx,
        tx,
        a.id,
        'updated',
        `Moved to the system level: team “${team.name}” was deleted`,
        {
          teamId: { from: team.id, to: null },
          team: team.name,
        },
      );
    }

    const cleared = await tx
      .delete(accountDefaults)
      .where(eq(accountDefaults.scope, team.id))
      .returning({ accountId: accountDefaults.accountId, direction: accountDefaults.direction });
    for (const d of cleared) {
      await addTimelineEvent(
        ctx,
        tx,
        d.accountId,
        'default_cleared',
        `No longer the ${d.direction} default of team “${team.name}”: the team was deleted`,
        { scope: team.id, direction: d.direction },
      );
    }

    const members = await tx
      .select({ id: users.id, email: users.email, role: users.role })
      .from(userTeams)
      .innerJoin(users, eq(users.id, userTeams.userId))
      .where(eq(userTeams.teamId, team.id));
    const teamAdmins = members.filter((m) => m.role === 'team_admin').map((m) => m.id);
    const otherTeams = teamAdmins.length
      ? await tx
          .selectDistinct({ userId: userTeams.userId })
          .from(userTeams)
          .where(and(inArray(userTeams.userId, teamAdmins), sql`${userTeams.teamId} <> ${team.id}`))
      : [];
    const stranded = members
      .filter((m) => m.role === 'team_admin' && !otherTeams.some((o) => o.userId === m.id))
      .map((m) => m.email);

    const live = and(isNull(apiTokens.revokedAt), sql`${apiTokens.teamIds} @> ARRAY[${team.id}]::text[]`);
    const scoped = await tx
      .update(apiTokens)
      .set({ teamIds: sql`array_remove(${apiTokens.teamIds}, ${team.id})` })
      .where(live)
      .returning({
        id: apiTokens.id,
        name: apiTokens.name,
        role: apiTokens.role,
        teamIds: apiTokens.teamIds,
      });
    const orphaned = scoped.filter((t) => t.role === 'team_admin' && t.teamIds.length === 0);
    if (orphaned.length > 0) {
      await tx
        .update(apiTokens)
        .set({ revokedAt: now })
        .where(
          inArray(
            apiTokens.id,
            orphaned.map((t) => t.id),
          ),
        );
    }
    touchedTokens = scoped.map((t) => t.id);

    // Memberships go with the team (foreign key, on delete cascade).
    await tx.delete(teams).where(eq(teams.id, team.id));
    await auditChange(ctx, tx, {
      message: `Team “${team.name}” deleted${moved.length ? `; ${moved.length} account(s) moved to the system level` : ''}`,
      target: { type: 'team', id: team.id, label: team.name },
      level: 'warning',
      extra: {
        movedAccounts: moved.length,
        clearedDefaults: cleared.map((d) => d.direction),
        removedMembers: members.map((m) => m.email),
        teamAdminsWithoutTeam: stranded,
        revoked: orphaned.map((t) => t.name),
      },
    });
    return {
      id: team.id,
      name: team.name,
      movedAccounts: moved.length,
      clearedDefaults: cleared.length,
      removedMembers: members.length,
      teamAdminsWithoutTeam: stranded,
      revokedTokens: orphaned.length,
    };
  });
  if (touchedTokens.length) forgetTokens(ctx.db, { tokenIds: touchedTokens });
  return result;
}
