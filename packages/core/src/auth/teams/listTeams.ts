import { asc } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { teams } from '../../db/schema';
import type { Team } from '../../schemas/auth';
import { teamViews } from './view';

/** Lists teams with their member and account counts; team admins see their own. */
export async function listTeams({ ctx }: { ctx: Ctx }): Promise<Team[]> {
  const rows = await ctx.db.select().from(teams).orderBy(asc(teams.name));
  const visible = rows.filter((t) => ctx.actor.role !== 'team_admin' || ctx.actor.teamIds.includes(t.id));
  return teamViews(ctx.db, visible);
}
