import { and, count, desc, eq, not, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Ctx } from '../context';
import { webhookDeliveries, webhookEvents } from '../db/schema';
import { parseInput } from '../errors';
import type { ListResult } from '../schemas/common';
import { type WebhookDelivery, webhookDeliveryQuerySchema } from '../schemas/webhooks';
import { attemptsOf } from './attempts';
import { heldDeliveries } from './claimDeliveries';
import { loadWebhook } from './loadWebhook';
import { toDelivery } from './view';

/** The attempts shown per delivery: the latest ones (a delivery retried for three days has dozens). */
const ATTEMPTS_SHOWN = 20;

/** An endpoint's deliveries, newest first, each with its latest attempts (status, latency, snippet). */
export async function listDeliveries({
  ctx,
  endpointId,
  input,
}: {
  ctx: Ctx;
  endpointId: string;
  input: z.input<typeof webhookDeliveryQuerySchema>;
}): Promise<ListResult<WebhookDelivery>> {
  const q = parseInput(webhookDeliveryQuerySchema, input);
  await loadWebhook(ctx, endpointId);
  // A delivery being attempted stays `pending` in its row (no lease is written into it): a dispatcher holds
  // it (in memory on the embedded database, in its claim row on Postgres), and it is shown (and filtered)
  // as `delivering`. The ids go as one JSON parameter (a dispatcher holds up to hundreds).
  const held = await heldDeliveries(ctx);
  const isHeld = sql`${webhookDeliveries.id} in (select jsonb_array_elements_text(${JSON.stringify([...held])}::jsonb))`;
  const where: SQL[] = [eq(webhookDeliveries.endpointId, endpointId)];
  if (q.status === 'pending' && held.size > 0) {
    where.push(eq(webhookDeliveries.status, 'pending'), not(isHeld));
  } else if (q.status === 'delivering' && held.size > 0) {
    // Held and still open: a finished delivery may stay listed in a claim row until that dispatcher's next claim.
    where.push(
      or(
        eq(webhookDeliveries.status, 'delivering'),
        and(eq(webhookDeliveries.status, 'pending'), isHeld),
      ) as SQL,
    );
  } else if (q.status) where.push(eq(webhookDeliveries.status, q.status));
  const filter = and(...where);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select({ d: webhookDeliveries, type: webhookEvents.type })
      .from(webhookDeliveries)
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .where(filter)
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    ctx.db.select({ n: count() }).from(webhookDeliveries).where(filter),
  ]);
  const byDelivery = await attemptsOf(
    ctx.db,
    rows.map((r) => r.d),
    ATTEMPTS_SHOWN,
  );
  return {
    items: rows.map((r) => toDelivery(r.d, r.type, byDelivery.get(r.d.id) ?? [], held.has(r.d.id))),
    total: total?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}
