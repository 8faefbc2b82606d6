import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { messages } from '../db/schema';

/**
 * Extends the leases a live worker holds, so a slow server never makes a message look abandoned;
 * only a worker that stopped renewing (crashed, hung, partitioned) lets its messages return to the queue.
 */
export async function renewLeases({
  ctx,
  workerId,
  leaseMs,
}: {
  ctx: Ctx;
  workerId: string;
  leaseMs: number;
}) {
  const until = new Date(ctx.now().getTime() + leaseMs);
  await ctx.db
    .update(messages)
    .set({ leaseExpiresAt: until })
    .where(and(eq(messages.status, 'sending'), eq(messages.leaseOwner, workerId)));
}
