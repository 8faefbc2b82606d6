import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { webhookDeliveries, webhookEvents } from '../db/schema';
import { MailroomError, notFound } from '../errors';
import type { WebhookDelivery } from '../schemas/webhooks';
import { assertCanWriteWebhook } from './access';
import { heldDeliveries } from './claimDeliveries';
import { loadWebhook } from './loadWebhook';
import { toDelivery } from './view';

/**
 * Delivers an event to its endpoint again, with the same `webhook-id` (receivers that already have it
 * deduplicate). Its earlier attempts stay; a replay of a delivery past the retry window is tried once.
 */
export async function replayDelivery({ ctx, id }: { ctx: Ctx; id: string }): Promise<WebhookDelivery> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [found] = await tx
      .select({ d: webhookDeliveries, type: webhookEvents.type })
      .from(webhookDeliveries)
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .where(eq(webhookDeliveries.id, id))
      .for('update', { of: webhookDeliveries });
    if (!found) throw notFound('Webhook delivery');
    let endpoint: Awaited<ReturnType<typeof loadWebhook>>;
    try {
      endpoint = await loadWebhook(ctx, found.d.endpointId, tx);
    } catch {
      throw notFound('Webhook delivery');
    }
    assertCanWriteWebhook(ctx.actor, endpoint.teamId);
    // A delivery being attempted stays `pending`: a dispatcher holds it (in memory, or its claim row). A
    // finished one is not being attempted, whatever a claim row still lists (a claim that read what its
    // dispatcher held while the attempt was being written lists it until that dispatcher's next claim);
    // a late write of an attempt made before the replay no longer counts (the attempt count moved on).
    const open = found.d.status === 'pending';
    if (found.d.status === 'delivering' || (open && (await heldDeliveries(ctx, tx)).has(id))) {
      throw new MailroomError('conflict', 'The delivery is being attempted right now');
    }
    const [updated] = await tx
      .update(webhookDeliveries)
      .set({
        status: 'pending',
        nextAttemptAt: now,
        finishedAt: null,
        leaseOwner: null,
        leaseExpiresAt: null,
      })
      .where(eq(webhookDeliveries.id, id))
      .returning();
    if (!updated) throw new Error('update returned nothing');
    return toDelivery(updated, found.type, []);
  });
}
