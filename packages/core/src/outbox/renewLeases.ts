import { and, eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../context';
import { messages } from '../db/schema';

/**
 * Extends the leases of the messages a live worker has in hand, so a slow server never makes a message
 * look abandoned; a worker that stopped renewing (crashed, hung, partitioned) lets them return to the queue.
 */
export async function renewLeases({
  ctx,
  workerId,
  ids,
  leaseMs,
}: {
  ctx: Ctx;
  workerId: string;
  /** The messages this worker has in hand right now; nothing else is renewed. */
  ids: string[];
  leaseMs: number;
}): Promise<void> {
  if (ids.length === 0) return;
  const until = new Date(ctx.now().getTime() + leaseMs);
  await ctx.db
    .update(messages)
    .set({ leaseExpiresAt: until })
    .where(and(eq(messages.status, 'sending'), eq(messages.leaseOwner, workerId), inArray(messages.id, ids)));
}
