import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { suppressions } from '../db/schema';
import { notFound } from '../errors';
import { assertCanManage, readableScope } from './access';

/** Takes an address off the list: the next send to it goes out again. */
export async function removeSuppression({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  const [row] = await ctx.db
    .select()
    .from(suppressions)
    .where(and(eq(suppressions.id, id), readableScope(ctx.actor)));
  if (!row) throw notFound('Suppression');
  assertCanManage(ctx.actor, row.teamId);
  await ctx.db.delete(suppressions).where(eq(suppressions.id, id));
  await ctx.log({
    source: 'outgoing',
    level: 'info',
    message: `${row.address} removed from the suppression list (${row.teamId ? `team ${row.teamId}` : 'system'}) by ${ctx.actor.label}`,
    context: { suppressionId: row.id, address: row.address, teamId: row.teamId, reason: row.reason },
  });
}
