import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { webhookEndpoints } from '../db/schema';
import { assertReadableWebhook } from './access';
import type { EndpointRow } from './view';

/** The endpoint if the actor may read it; otherwise not found (no existence leak across teams). */
export async function loadWebhook(
  ctx: Ctx,
  id: string,
  q: Queryable = ctx.db,
  lock = false,
): Promise<EndpointRow> {
  const query = q.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return assertReadableWebhook(ctx.actor, row);
}
