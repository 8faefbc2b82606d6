import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { webhookDeliveries } from '../db/schema';
import { MailroomError } from '../errors';
import { webhookTestEventType } from '../schemas/webhooks';
import { assertCanWriteWebhook } from './access';
import { emitEvent } from './emitEvent';
import { loadWebhook } from './loadWebhook';

/** Queues a `webhook.test` event for this endpoint only; the dispatcher delivers it like any other. */
export async function sendTestEvent({
  ctx,
  id,
}: {
  ctx: Ctx;
  id: string;
}): Promise<{ eventId: string; deliveryId: string }> {
  return ctx.db.transaction(async (tx) => {
    const endpoint = await loadWebhook(ctx, id, tx);
    assertCanWriteWebhook(ctx.actor, endpoint.teamId);
    if (!endpoint.enabled) {
      throw new MailroomError('conflict', 'The endpoint is disabled: enable it to send a test event');
    }
    const eventId = await emitEvent(tx, {
      type: webhookTestEventType,
      teamId: endpoint.teamId,
      endpointId: endpoint.id,
      at: ctx.now(),
      data: { endpointId: endpoint.id, message: 'A test event sent from Mailroom', by: ctx.actor.label },
    });
    if (!eventId) throw new Error('the test event was not stored');
    const [delivery] = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.endpointId, endpoint.id)));
    if (!delivery) throw new Error('the test delivery was not stored');
    return { eventId, deliveryId: delivery.id };
  });
}
