import { inArray, lt, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { workers } from '../db/schema';
import { type Released, releaseLeases } from './releaseLeases';

export type ReapedWorker = { id: string; host: string; pid: number; role: string; released: Released };

/** "4 messages, 1 incoming_state" — what was released, table by table. */
export function describeReleased(released: Released): string {
  const parts = Object.entries(released).map(([table, n]) => `${n} ${table}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/**
 * Releases the leases of every lease holder silent for longer than `graceMs` (the database's clock, so
 * hosts need not agree on the time) and removes their rows, in one transaction: two processes reaping
 * at once release each dead holder once. Its leases become expired ones, taken over by the next claim.
 * Long leases of live holders are untouched, so a slow send keeps its lease. Writes a Main Log row
 * (source `queue`) per dead holder.
 */
export async function reapWorkers(ctx: Ctx, graceMs: number): Promise<ReapedWorker[]> {
  const reaped = await ctx.db.transaction(async (tx) => {
    const dead = await tx
      .delete(workers)
      .where(lt(workers.lastSeen, sql`now() - make_interval(secs => ${graceMs / 1000})`))
      .returning({ id: workers.id, host: workers.host, pid: workers.pid, role: workers.role });
    const out: ReapedWorker[] = [];
    for (const w of dead) out.push({ ...w, released: await releaseLeases(tx, [w.id], ctx.now()) });
    return out;
  });
  for (const w of reaped) {
    await ctx.log({
      source: 'queue',
      level: 'warning',
      message: `Lease holder ${w.id} (${w.role}, pid ${w.pid} on ${w.host}) was silent for more than ${graceMs / 1000} s: its leases were released (${describeReleased(w.released)})`,
      context: { worker: w.id, role: w.role, host: w.host, pid: w.pid, graceMs, released: w.released },
    });
  }
  return reaped;
}

/** Removes holders' rows (a clean stop): their leases were given back or finished. */
export async function forgetWorkers(ctx: Ctx, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.db.delete(workers).where(inArray(workers.id, ids));
}
