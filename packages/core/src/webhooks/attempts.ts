import { desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { webhookAttempts, webhookDeliveries } from '../db/schema';
import { type AttemptRow, type DeliveryRow, latestAttemptOf } from './view';

/**
 * Each delivery's attempts, newest first, at most `limit` each: the latest is in the delivery's own row
 * (`latestAttemptOf`), the earlier ones in `webhook_attempts`. An attempt that did not count (a second
 * dispatcher's, see `recordAttempts`) may be later than the row's.
 */
export async function attemptsOf(
  db: Queryable,
  deliveries: DeliveryRow[],
  limit = Number.POSITIVE_INFINITY,
): Promise<Map<string, AttemptRow[]>> {
  const ids = deliveries.map((d) => d.id);
  const moved =
    ids.length === 0
      ? []
      : await db
          .select()
          .from(webhookAttempts)
          .where(inArray(webhookAttempts.deliveryId, ids))
          .orderBy(desc(webhookAttempts.at));
  const byDelivery = new Map<string, AttemptRow[]>();
  for (const a of [...deliveries.flatMap((d) => latestAttemptOf(d) ?? []), ...moved]) {
    const list = byDelivery.get(a.deliveryId) ?? [];
    list.push(a);
    byDelivery.set(a.deliveryId, list);
  }
  for (const [id, list] of byDelivery) {
    byDelivery.set(id, list.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit));
  }
  return byDelivery;
}

/** Every attempt of the deliveries `which` selects (all deliveries when undefined), newest first. */
export async function readAttempts(db: Queryable, which?: SQL): Promise<AttemptRow[]> {
  const deliveries = await db.select().from(webhookDeliveries).where(which);
  const byDelivery = await attemptsOf(db, deliveries);
  return [...byDelivery.values()].flat().sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** The attempts of one endpoint's deliveries, newest first. */
export const endpointAttempts = (db: Queryable, endpointId: string) =>
  readAttempts(db, eq(webhookDeliveries.endpointId, endpointId));
