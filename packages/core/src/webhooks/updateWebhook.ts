import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { webhookEndpoints } from '../db/schema';
import { parseInput } from '../errors';
import { type Webhook, webhookUpdateSchema } from '../schemas/webhooks';
import { assertCanWriteWebhook } from './access';
import { loadWebhook } from './loadWebhook';
import { webhookLog } from './log';
import { assertWebhookUrl } from './urlProblem';
import { toWebhook } from './view';

/** Changes an endpoint's URL, description, event types or enabled flag; enabling it again forgets past failures. */
export async function updateWebhook({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: z.input<typeof webhookUpdateSchema>;
}): Promise<Webhook> {
  const patch = parseInput(webhookUpdateSchema, input);
  if (patch.url !== undefined) assertWebhookUrl(patch.url, ctx.config.allowPrivateHosts);
  const now = ctx.now();
  const row = await ctx.db.transaction(async (tx) => {
    const current = await loadWebhook(ctx, id, tx, true);
    assertCanWriteWebhook(ctx.actor, current.teamId);
    const changes: Record<string, unknown> = {};
    const set: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: now, updatedBy: ctx.actor.label };
    if (patch.url !== undefined && patch.url !== current.url) {
      set.url = patch.url;
      changes.url = { from: current.url, to: patch.url };
    }
    if (patch.description !== undefined && patch.description !== current.description) {
      set.description = patch.description;
      changes.description = true;
    }
    if (patch.eventTypes !== undefined) {
      set.eventTypes = patch.eventTypes === 'all' ? null : [...new Set(patch.eventTypes)];
      changes.eventTypes = patch.eventTypes;
    }
    if (patch.enabled !== undefined && patch.enabled !== current.enabled) {
      set.enabled = patch.enabled;
      changes.enabled = patch.enabled;
      if (patch.enabled) {
        set.disabledReason = null;
        set.failingSince = null;
      }
    }
    const [updated] = await tx
      .update(webhookEndpoints)
      .set(set)
      .where(eq(webhookEndpoints.id, id))
      .returning();
    if (!updated) throw new Error('update returned nothing');
    if (Object.keys(changes).length > 0) {
      const what = changes.enabled === true ? 'enabled' : changes.enabled === false ? 'disabled' : 'changed';
      await webhookLog(ctx, tx, {
        message: `Webhook endpoint ${updated.url} ${what}`,
        context: { endpointId: id, changes },
      });
    }
    return updated;
  });
  return toWebhook(row, now);
}
