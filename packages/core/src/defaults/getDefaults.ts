import { asc, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { accountDefaults, accounts, teams } from '../db/schema';
import type { DefaultEntry } from '../schemas/defaults';

/** Lists the default account of every scope (system, each team) and direction the actor may see. */
export async function getDefaults({ ctx }: { ctx: Ctx }): Promise<DefaultEntry[]> {
  const rows = await ctx.db
    .select({
      scope: accountDefaults.scope,
      direction: accountDefaults.direction,
      accountId: accountDefaults.accountId,
      accountName: accounts.name,
      teamName: teams.name,
      updatedAt: accountDefaults.updatedAt,
    })
    .from(accountDefaults)
    .innerJoin(accounts, eq(accounts.id, accountDefaults.accountId))
    .leftJoin(teams, eq(teams.id, accountDefaults.scope))
    .orderBy(asc(accountDefaults.scope), asc(accountDefaults.direction));
  return rows
    .map((r) => ({
      teamId: r.scope === 'system' ? null : r.scope,
      teamName: r.scope === 'system' ? null : r.teamName,
      direction: r.direction,
      accountId: r.accountId,
      accountName: r.accountName,
      updatedAt: r.updatedAt.toISOString(),
    }))
    .filter(
      (d) => ctx.actor.role !== 'team_admin' || d.teamId === null || ctx.actor.teamIds.includes(d.teamId),
    );
}
