import { and, eq, inArray, lte, ne, notInArray, or } from 'drizzle-orm';
import type { Ctx } from '../context';
import { webhookDeliveries, webhookEndpoints } from '../db/schema';
import type { DeliveryRow } from './view';

/**
 * Leases up to `limit` due deliveries for one dispatcher, like the outbox's claims: `UPDATE … WHERE id IN
 * (SELECT … FOR UPDATE SKIP LOCKED)`, so two dispatchers never get the same row. Due means pending and past
 * its retry time, or `delivering` with an expired lease (its dispatcher died). Disabled endpoints wait.
 */
export async function claimDeliveries({
  ctx,
  workerId,
  limit,
  leaseMs,
  held,
}: {
  ctx: Ctx;
  workerId: string;
  limit: number;
  leaseMs: number;
  /** Deliveries this dispatcher has in hand: its own expired leases on anything else are taken back. */
  held: string[];
}): Promise<DeliveryRow[]> {
  const now = ctx.now();
  const d = webhookDeliveries;
  const due = ctx.db
    .select({ id: d.id })
    .from(d)
    .innerJoin(
      webhookEndpoints,
      and(eq(webhookEndpoints.id, d.endpointId), eq(webhookEndpoints.enabled, true)),
    )
    .where(
      or(
        and(eq(d.status, 'pending'), lte(d.nextAttemptAt, now)),
        and(
          eq(d.status, 'delivering'),
          lte(d.leaseExpiresAt, now),
          held.length > 0 ? or(ne(d.leaseOwner, workerId), notInArray(d.id, held)) : undefined,
        ),
      ),
    )
    .orderBy(d.nextAttemptAt)
    .limit(limit)
    .for('update', { of: d, skipLocked: true });
  const claimed = await ctx.db
    .update(d)
    .set({ status: 'delivering', leaseOwner: workerId, leaseExpiresAt: new Date(now.getTime() + leaseMs) })
    .where(inArray(d.id, due))
    .returning();
  claimed.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
  return claimed;
}

/** Extends the leases of the deliveries a live dispatcher has in hand (a slow receiver is not a dead dispatcher). */
export async function renewDeliveryLeases({
  ctx,
  workerId,
  ids,
  leaseMs,
}: {
  ctx: Ctx;
  workerId: string;
  ids: string[];
  leaseMs: number;
}): Promise<void> {
  if (ids.length === 0) return;
  await ctx.db
    .update(webhookDeliveries)
    .set({ leaseExpiresAt: new Date(ctx.now().getTime() + leaseMs) })
    .where(
      and(
        eq(webhookDeliveries.status, 'delivering'),
        eq(webhookDeliveries.leaseOwner, workerId),
        inArray(webhookDeliveries.id, ids),
      ),
    );
}
