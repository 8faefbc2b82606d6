import type { Ctx } from '../context';
import { workers } from '../db/schema';
import { describeReleased } from './reapWorkers';
import { type Released, releaseLeases } from './releaseLeases';

/**
 * The embedded database at start-up: only this process can open it, so every lease in it belongs to a
 * process that is gone (killed, crashed). They are released at once instead of after their lease time;
 * messages that were in flight are sent again (they may have been delivered: at least once). One Main
 * Log row (source `queue`) says how many, when there were any.
 */
export async function releaseLeasesAtStart(ctx: Ctx): Promise<Released> {
  const released = await ctx.db.transaction(async (tx) => {
    await tx.delete(workers);
    return releaseLeases(tx, 'all', ctx.now());
  });
  const total = Object.values(released).reduce((a, b) => a + b, 0);
  if (total > 0) {
    await ctx.log({
      source: 'queue',
      level: 'warning',
      message: `Start-up: ${total} leases left by a process that stopped without finishing were released at once (${describeReleased(released)})`,
      context: { released },
    });
  }
  return released;
}
