import type { Ctx } from '../context';
import { notFound, parseInput } from '../errors';
import { type RoutingExplain, routingExplainQuerySchema } from '../schemas/defaults';
import { resolveRoute } from './resolveRoute';

/** Says which account a message from `from` (for `teamId`) would go through, and why. */
export async function explainRoute({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RoutingExplain> {
  const q = parseInput(routingExplainQuerySchema, input);
  const teamAdmin = ctx.actor.role === 'team_admin';
  if (teamAdmin && q.teamId && !ctx.actor.teamIds.includes(q.teamId)) throw notFound('Team');
  const { account: _account, ...explain } = await resolveRoute(ctx.db, {
    from: q.from,
    teamId: q.teamId,
    ...(teamAdmin ? { visibleTeamIds: ctx.actor.teamIds } : {}),
  });
  return explain;
}
