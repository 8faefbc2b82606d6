import type { Ctx } from '../context';
import { fixedRetentionMs, pruneBatches, type RetentionKind, retentionKinds } from './kinds';

const DAY_MS = 86_400_000;

export type RetentionRun = {
  /** Rows removed per kind (kinds kept forever are absent). */
  removed: Partial<Record<RetentionKind, number>>;
  /** The cut-off of each pruned kind: rows older than this went. */
  before: Partial<Record<RetentionKind, string>>;
  /** True when the run stopped early (the job is stopping); the next run goes on where it left. */
  interrupted: boolean;
};

export type PruneOptions = {
  /** Rows per DELETE statement: each batch is its own short transaction. */
  batchSize?: number;
  /** Checked between batches: a stopping job is not held up by a long backlog. */
  signal?: AbortSignal;
};

/**
 * One retention run: for every kind with a retention (`config.retention`, 0 = forever; OAuth2 sign-ins a fixed
 * hour past their last use), deletes rows older than its cut-off in batches of `batchSize`, each one statement of its own, yielding to other work between
 * batches. Only rows in a final state are touched (never a queued, deferred or sending message, nor a
 * webhook delivery still to be made), so the queue's claims never wait for it.
 */
export async function pruneRetention(ctx: Ctx, opts: PruneOptions = {}): Promise<RetentionRun> {
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  const run: RetentionRun = { removed: {}, before: {}, interrupted: false };
  for (const kind of retentionKinds) {
    const keptMs = kind === 'oauthSignIns' ? fixedRetentionMs[kind] : ctx.config.retention[kind] * DAY_MS;
    if (!(keptMs > 0)) continue;
    const before = new Date(ctx.now().getTime() - keptMs);
    run.before[kind] = before.toISOString();
    let removed = 0;
    for (;;) {
      if (opts.signal?.aborted) {
        run.interrupted = true;
        break;
      }
      const n = await pruneBatches[kind](ctx.db, before, batchSize);
      removed += n;
      if (n < batchSize) break;
      // Let requests and the worker's claims in between two batches.
      await new Promise((r) => setImmediate(r));
    }
    run.removed[kind] = removed;
    if (run.interrupted) break;
  }
  return run;
}
