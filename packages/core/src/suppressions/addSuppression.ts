import type { Ctx } from '../context';
import { MailroomError, parseInput } from '../errors';
import { type SuppressionView, suppressionInputSchema } from '../schemas/suppressions';
import { assertCanManage } from './access';
import { suppressAddresses } from './suppressAddress';
import { toSuppressionView } from './view';

/** A person puts an address on the list (system-wide or for a team); an address already there is a conflict. */
export async function addSuppression({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<SuppressionView> {
  const s = parseInput(suppressionInputSchema, input);
  assertCanManage(ctx.actor, s.teamId);
  const [row] = await suppressAddresses(ctx.db, [
    {
      address: s.address,
      teamId: s.teamId,
      reason: s.reason,
      source: 'manual',
      detail: s.detail ?? null,
      createdBy: ctx.actor.label,
      at: ctx.now(),
    },
  ]);
  if (!row) {
    throw new MailroomError('conflict', `${s.address} is already on the suppression list in that scope`, {
      errors: [{ path: 'address', message: 'is already suppressed in that scope' }],
    });
  }
  await ctx.log({
    source: 'outgoing',
    level: 'info',
    message: `${row.address} added to the suppression list (${row.teamId ? `team ${row.teamId}` : 'system'}, ${row.reason}) by ${ctx.actor.label}`,
    context: { suppressionId: row.id, address: row.address, teamId: row.teamId, reason: row.reason },
  });
  return toSuppressionView(row);
}
