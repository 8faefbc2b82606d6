import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { incomingState } from '../db/schema';

/** Takes the account's poll lease unless another live poller holds it; true when taken. */
export async function claimPollLease(
  q: Queryable,
  accountId: string,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const expires = new Date(now.getTime() + leaseMs);
  const rows = await q
    .insert(incomingState)
    .values({ accountId, leaseOwner: owner, leaseExpiresAt: expires })
    .onConflictDoUpdate({
      target: incomingState.accountId,
      set: { leaseOwner: owner, leaseExpiresAt: expires },
      where: or(isNull(incomingState.leaseExpiresAt), lt(incomingState.leaseExpiresAt, now)),
    })
    .returning({ owner: incomingState.leaseOwner });
  return rows[0]?.owner === owner;
}

/** Stores where the fetch stopped and frees the lease (only if this owner still holds it). */
export async function releasePollLease(
  q: Queryable,
  accountId: string,
  owner: string,
  update: Partial<typeof incomingState.$inferInsert>,
): Promise<void> {
  await q
    .update(incomingState)
    .set({ ...update, leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(incomingState.accountId, accountId), eq(incomingState.leaseOwner, owner)));
}

/** Extends a held lease; false when another poller took it over (the caller must stop). */
export async function renewPollLease(
  q: Queryable,
  accountId: string,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const rows = await q
    .update(incomingState)
    .set({ leaseExpiresAt: new Date(now.getTime() + leaseMs) })
    .where(and(eq(incomingState.accountId, accountId), eq(incomingState.leaseOwner, owner)))
    .returning({ owner: incomingState.leaseOwner });
  return rows.length > 0;
}
