import type { Ctx } from '../context';
import type { Attempted } from './deliverMessage';
import type { OutboxPolicy } from './policy';
import { type Recorded, recordOutcomes } from './recordOutcomes';

/**
 * Group commit: outcomes that finish while a commit is running wait and go together in the next one,
 * so a busy worker writes a few transactions a second instead of one per message, and an idle one
 * commits each outcome at once. The duplicate window on a crash is one commit's worth of outcomes.
 */
export function createCommitter(
  ctx: Ctx,
  policy: OutboxPolicy,
  opts: { maxBatch?: number; onRetry?: (err: Error, attempt: number) => void; signal?: AbortSignal } = {},
) {
  const maxBatch = opts.maxBatch ?? 500;
  let pending: Array<{
    attempt: Attempted;
    resolve: (r: Recorded | undefined) => void;
    reject: (e: unknown) => void;
  }> = [];
  let running: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      // A known outcome is never dropped: while the database is away, keep trying (the worker
      // keeps renewing the leases meanwhile). After a stop, a few more tries, then give up: the
      // messages stay leased and another worker retries them once the lease expires.
      for (let attempt = 1; ; attempt++) {
        try {
          const recorded = await recordOutcomes({ ctx, attempts: batch.map((b) => b.attempt), policy });
          const byId = new Map(recorded.map((r) => [r.id, r]));
          for (const b of batch) b.resolve(byId.get(b.attempt.message.id));
          break;
        } catch (err) {
          opts.onRetry?.(err as Error, attempt);
          if (opts.signal?.aborted && attempt >= 3) {
            for (const b of batch) b.reject(err);
            break;
          }
          await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** (attempt - 1))));
        }
      }
    }
    running = null;
  }

  return {
    /** Resolves once the outcome is committed. */
    record(attempt: Attempted): Promise<Recorded | undefined> {
      return new Promise((resolve, reject) => {
        pending.push({ attempt, resolve, reject });
        running ??= drain();
      });
    },
    async flush(): Promise<void> {
      while (running) await running;
    },
  };
}
