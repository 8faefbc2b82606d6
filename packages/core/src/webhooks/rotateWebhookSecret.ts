import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { webhookEndpoints } from '../db/schema';
import { parseInput } from '../errors';
import { type WebhookWithSecret, webhookRotateSchema } from '../schemas/webhooks';
import { assertCanWriteWebhook } from './access';
import { loadWebhook } from './loadWebhook';
import { webhookLog } from './log';
import { newWebhookSecret } from './secret';
import { toWebhook } from './view';

/**
 * A new signing secret, shown once. During the overlap window deliveries carry both signatures in
 * `webhook-signature` (space-separated), so a receiver can switch to the new secret without losing any.
 */
export async function rotateWebhookSecret({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: z.input<typeof webhookRotateSchema>;
}): Promise<WebhookWithSecret> {
  const { overlapSeconds } = parseInput(webhookRotateSchema, input ?? {});
  const secret = newWebhookSecret();
  const now = ctx.now();
  const until = new Date(now.getTime() + overlapSeconds * 1000);
  const row = await ctx.db.transaction(async (tx) => {
    const current = await loadWebhook(ctx, id, tx, true);
    assertCanWriteWebhook(ctx.actor, current.teamId);
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({
        secret: ctx.secrets.encrypt(secret),
        previousSecret: overlapSeconds > 0 ? current.secret : null,
        previousSecretUntil: overlapSeconds > 0 ? until : null,
        updatedAt: now,
        updatedBy: ctx.actor.label,
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    if (!updated) throw new Error('update returned nothing');
    await webhookLog(ctx, tx, {
      message: `Webhook endpoint ${updated.url}: signing secret rotated, the old one signs until ${overlapSeconds > 0 ? until.toISOString() : 'now'}`,
      context: { endpointId: id, overlapSeconds },
    });
    return updated;
  });
  return { ...toWebhook(row, now), secret };
}
