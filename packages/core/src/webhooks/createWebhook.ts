import type { z } from 'zod';
import type { Ctx } from '../context';
import { webhookEndpoints } from '../db/schema';
import { parseInput } from '../errors';
import { newId } from '../ids';
import { type WebhookWithSecret, webhookInputSchema } from '../schemas/webhooks';
import { assertCanWriteWebhook } from './access';
import { webhookLog } from './log';
import { newWebhookSecret } from './secret';
import { assertWebhookUrl } from './urlProblem';
import { toWebhook } from './view';

/** Creates an endpoint and answers with its signing secret: the only time it is shown. */
export async function createWebhook({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof webhookInputSchema>;
}): Promise<WebhookWithSecret> {
  const data = parseInput(webhookInputSchema, input);
  assertCanWriteWebhook(ctx.actor, data.teamId);
  assertWebhookUrl(data.url, ctx.config.allowPrivateHosts);
  const secret = newWebhookSecret();
  const now = ctx.now();
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(webhookEndpoints)
      .values({
        id: newId(),
        teamId: data.teamId,
        url: data.url,
        description: data.description,
        eventTypes: data.eventTypes === 'all' ? null : [...new Set(data.eventTypes)],
        enabled: data.enabled,
        secret: ctx.secrets.encrypt(secret),
        createdAt: now,
        createdBy: ctx.actor.label,
        updatedAt: now,
        updatedBy: ctx.actor.label,
      })
      .returning();
    if (!created) throw new Error('insert returned nothing');
    await webhookLog(ctx, tx, {
      message: `Webhook endpoint ${created.url} created`,
      context: { endpointId: created.id, teamId: created.teamId, eventTypes: data.eventTypes },
    });
    return created;
  });
  return { ...toWebhook(row, now), secret };
}
