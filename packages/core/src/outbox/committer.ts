import type { Ctx } from '../context';
import type { Attempted } from './deliverMessage';
import type { OutboxPolicy } from './policy';
import { type Recorded, recordOutcomes } from './recordOutcomes';

/**
 * Group commit: outcomes that finish while a commit is running, or within `lingerMs` of the first
 * one, go together in one statement, so a busy worker writes a few dozen transactions a second
 * instead of one per message (on PGlite every statement waits in one line with everything else).
 * The duplicate window on a crash is one commit's worth of outcomes: `lingerMs` plus the commit, and
 * longer only while the database is unreachable (outcomes are then kept and retried).
 */
export function createCommitter(
  ctx: Ctx,
  policy: OutboxPolicy,
  opts: {
    maxBatch?: number;
    /** How long the first outcome of a batch waits for company before it is committed. Default 0. */
    lingerMs?: number;
    onRetry?: (err: Error, attempt: number) => void;
    signal?: AbortSignal;
    /** Writes one batch (tests replace it). */
    write?: typeof recordOutcomes;
  } = {},
) {
  const maxBatch = opts.maxBatch ?? 500;
  const lingerMs = opts.lingerMs ?? 0;
  const write = opts.write ?? recordOutcomes;
  let lingering: { timer: NodeJS.Timeout; start: () => void } | null = null;
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
          const recorded = await write({ ctx, attempts: batch.map((b) => b.attempt), policy });
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

  function startAfterLinger(): Promise<void> {
    return new Promise<void>((resolve) => {
      const start = () => {
        if (!lingering) return;
        clearTimeout(lingering.timer);
        lingering = null;
        resolve(drain());
      };
      lingering = { timer: setTimeout(start, lingerMs), start };
    });
  }

  return {
    /** Resolves once the outcome is committed. */
    record(attempt: Attempted): Promise<Recorded | undefined> {
      return new Promise((resolve, reject) => {
        pending.push({ attempt, resolve, reject });
        if (running) {
          if (lingering && pending.length >= maxBatch) lingering.start();
          return;
        }
        if (lingerMs > 0 && pending.length < maxBatch && !opts.signal?.aborted) {
          // The commit starts when the linger ends (or the batch fills): later outcomes join it.
          if (!lingering) running = startAfterLinger();
          return;
        }
        running = drain();
      });
    },
    async flush(): Promise<void> {
      lingering?.start();
      while (running) await running;
    },
  };
}
