import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { webhookEndpoints } from '../db/schema';
import { assertCanWriteWebhook } from './access';
import { loadWebhook } from './loadWebhook';
import { webhookLog } from './log';

/** Deletes an endpoint with its deliveries and attempts; nothing more is posted to it. */
export async function deleteWebhook({ ctx, id }: { ctx: Ctx; id: string }): Promise<{ id: string }> {
  await ctx.db.transaction(async (tx) => {
    const current = await loadWebhook(ctx, id, tx, true);
    assertCanWriteWebhook(ctx.actor, current.teamId);
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    await webhookLog(ctx, tx, {
      level: 'warning',
      message: `Webhook endpoint ${current.url} deleted`,
      context: { endpointId: id, teamId: current.teamId },
    });
  });
  return { id };
}
