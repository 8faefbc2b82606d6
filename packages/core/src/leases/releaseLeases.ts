import { and, gt, inArray, isNotNull, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { leaseTables } from './leaseTables';

/** Leases released, per leased table (only tables where some were). */
export type Released = Record<string, number>;

/**
 * Ends leases now: those of the given holders, or every lease (`'all'`: the embedded database at
 * start-up, where no other process can hold one). A released lease is an expired one, so each kind's
 * own claim takes the row over as it takes any expired lease (the outbox claim, the poller, webhook
 * deliveries): nothing is marked failed, no attempt is counted, and a send that was in flight may be
 * made again (at least once). Lease owners may carry a suffix after `/` (one holder, several leases).
 */
export async function releaseLeases(
  q: Queryable,
  owners: readonly string[] | 'all',
  now: Date,
): Promise<Released> {
  const released: Released = {};
  if (owners !== 'all' && owners.length === 0) return released;
  for (const t of leaseTables()) {
    const whose: SQL | undefined =
      owners === 'all'
        ? isNotNull(t.owner)
        : or(inArray(t.owner, [...owners]), ...owners.map((o) => sql`starts_with(${t.owner}, ${`${o}/`})`));
    const rows = await q
      .update(t.table)
      .set({ [t.expiresKey]: now })
      .where(and(whose, gt(t.expiresAt, now)))
      .returning({ owner: t.owner });
    if (rows.length > 0) released[t.name] = rows.length;
  }
  return released;
}
