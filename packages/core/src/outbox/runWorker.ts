import { inArray } from 'drizzle-orm';
import type { AccountRow } from '../accounts/types';
import { type Ctx, type CtxBase, createContext, systemActor } from '../context';
import { accounts } from '../db/schema';
import { claimBatch } from './claimBatch';
import { createCommitter } from './committer';
import { type Attempted, deliverMessage } from './deliverMessage';
import { type OutboxPolicy, withPolicy } from './policy';
import type { Recorded } from './recordOutcomes';
import { renewLeases } from './renewLeases';
import type { MessageRow } from './rows';
import { workerLabel } from './workerId';

export type WorkerEvent =
  | { type: 'claimed'; count: number }
  | { type: 'recorded'; id: string; messageId: string | null; status: Recorded['status'] | 'lease_lost' }
  | { type: 'idle' }
  | { type: 'error'; message: string };

export type WorkerOptions = {
  base: CtxBase;
  /** Unique per worker (process); it owns the leases it takes. */
  workerId: string;
  signal: AbortSignal;
  /** Messages in flight at once (across accounts; each SMTP pool also caps its connections). */
  concurrency?: number;
  /** Longest wait between polls when nothing wakes the worker. */
  pollMs?: number;
  policy?: Partial<OutboxPolicy>;
  /**
   * Least time between two claims while the queue is shallow (the last claim got less than it asked
   * for), so a steady trickle of sends is claimed in batches, not one claim per message. Default 20 ms.
   */
  lingerMs?: number;
  /**
   * How long a finished delivery waits for others before their outcomes are committed together.
   * Default 30 ms: a busy worker then writes one statement per few dozen messages (10 ms measured
   * about 10 % slower end to end on Postgres: more, smaller statements).
   */
  commitLingerMs?: number;
  /** Take queued sends made in this process directly, without a claim (default true). */
  acceptHandoffs?: boolean;
  /** Stop by itself once the queue has nothing due (tests, one-shot drains). */
  exitWhenIdle?: boolean;
  onEvent?: (e: WorkerEvent) => void;
};

/**
 * The outbox worker loop: keeps up to `concurrency` messages being delivered, claiming more (leased,
 * SKIP LOCKED) when half of them are done (their outcomes may still be waiting for the group commit),
 * and records outcomes by group commit. Takes queued sends of this process from `base.outbox`'s
 * handoff slot, wakes at once on its signal, polls for the rest. Returns after `signal` aborts and
 * in-flight deliveries are recorded. Its start and stop are rows of the Main Log.
 */
export async function runWorker(opts: WorkerOptions): Promise<void> {
  const ctx = createContext(opts.base, { ...systemActor, label: workerLabel('worker', opts.workerId) });
  const policy = withPolicy(opts.policy);
  const concurrency = opts.concurrency ?? 100;
  const pollMs = opts.pollMs ?? 500;
  const lingerMs = opts.lingerMs ?? 20;
  let lastClaimAt = 0;
  let lastClaimShort = false;
  const emit = opts.onEvent ?? (() => {});
  const committer = createCommitter(ctx, policy, {
    lingerMs: opts.commitLingerMs ?? 30,
    signal: opts.signal,
    onRetry: (err, attempt) =>
      emit({ type: 'error', message: `recording outcomes failed (try ${attempt}): ${err.message}` }),
  });
  /** Every message in hand: being delivered, or delivered and waiting for its outcome's commit. */
  const inFlight = new Set<Promise<void>>();
  /** Messages claimed and not yet delivered: what keeps the connections busy. */
  let delivering = 0;
  /** Claim more once deliveries fall to half the concurrency, unless that many outcomes are still being committed. */
  const mayClaim = () => delivering <= concurrency / 2 && inFlight.size < concurrency * 2;
  /**
   * Room for a handoff. A claim in progress is not counted: blocking handoffs for its duration sent
   * them to the queue and so made more claims. Together they may go past `concurrency` for a moment,
   * never past twice it (claims start at half and take at most the other half).
   */
  const hasRoom = () => delivering < concurrency && inFlight.size < concurrency * 2;
  const inHand = new Set<string>();
  /** What became of the messages in hand once the stop was asked: recorded, or left to their lease. */
  const atStop = { finished: 0, returned: 0 };
  let slotFreed: (() => void) | null = null;
  let idle = false;

  // Account rows for sending, reloaded at most once a second: claims already skip inactive and
  // paused accounts in SQL, so this only delays a settings change by that second.
  const accountCache = new Map<string, { at: number; row: AccountRow }>();
  const accountsOf = async (rows: MessageRow[]) => {
    const now = Date.now();
    const ids = [...new Set(rows.map((r) => r.accountId).filter((id): id is string => id !== null))];
    const stale = ids.filter((id) => (accountCache.get(id)?.at ?? 0) < now - 1000);
    if (stale.length > 0) {
      for (const a of await ctx.db.select().from(accounts).where(inArray(accounts.id, stale))) {
        accountCache.set(a.id, { at: now, row: a });
      }
    }
    return new Map<string, AccountRow>(
      ids.flatMap((id) => {
        const hit = accountCache.get(id);
        return hit ? [[id, hit.row] as const] : [];
      }),
    );
  };

  const run = async (row: MessageRow, account: AccountRow | undefined) => {
    inHand.add(row.id);
    let attempt: Attempted;
    let recorded: Recorded | undefined;
    try {
      try {
        attempt = await deliverMessage({ ctx, message: row, account, worker: opts.workerId });
      } finally {
        // The connection is free for the next message while this outcome waits for its commit.
        delivering -= 1;
        slotFreed?.();
      }
      recorded = await committer.record(attempt);
    } finally {
      inHand.delete(row.id);
    }
    if (opts.signal.aborted) {
      if (recorded?.recorded) atStop.finished += 1;
      else atStop.returned += 1;
    }
    // A failure changes the account's breaker state: read it afresh for the next claim.
    if (!attempt.result.ok && row.accountId) accountCache.delete(row.accountId);
    emit({
      type: 'recorded',
      id: row.id,
      messageId: row.messageId,
      status: recorded?.recorded ? recorded.status : 'lease_lost',
    });
  };

  /** Starts delivering a message this worker holds the lease of, in a slot already counted in `delivering`. */
  const launch = (row: MessageRow, account: AccountRow | undefined) => {
    const p: Promise<void> = run(row, account)
      .catch((err) => {
        // Not recorded: the message stays leased and goes back to the queue when the lease expires.
        if (opts.signal.aborted) atStop.returned += 1;
        emit({ type: 'error', message: (err as Error).message });
      })
      .finally(() => {
        inFlight.delete(p);
        slotFreed?.();
      });
    inFlight.add(p);
  };

  // Queued sends made in this process come straight here when a slot is free (see handoff.ts).
  let closed = false;
  const unregister =
    opts.acceptHandoffs === false
      ? () => {}
      : ctx.outbox.handoff.register({
          workerId: opts.workerId,
          leaseMs: policy.leaseMs,
          reserve() {
            if (closed || opts.signal.aborted || !hasRoom()) return false;
            delivering += 1;
            return true;
          },
          release() {
            delivering -= 1;
            slotFreed?.();
          },
          deliver(row, account) {
            if (closed) {
              // The send puts it back in the queue.
              delivering -= 1;
              atStop.returned += 1;
              return false;
            }
            idle = false;
            launch(row, account);
            return true;
          },
        });

  // Renew leases while deliveries are in flight: a third of the lease, so two renewals may fail in a row.
  const renewEvery = Math.max(50, Math.floor(policy.leaseMs / 3));
  const renewer = setInterval(() => {
    if (inHand.size === 0) return;
    renewLeases({ ctx, workerId: opts.workerId, ids: [...inHand], leaseMs: policy.leaseMs }).catch(
      (err: Error) => emit({ type: 'error', message: `lease renewal failed: ${err.message}` }),
    );
  }, renewEvery);

  await writeLog(ctx, {
    message: `Outbox worker ${opts.workerId} started: ${concurrency} messages at once, leases of ${policy.leaseMs} ms`,
    context: {
      workerId: opts.workerId,
      concurrency,
      leaseMs: policy.leaseMs,
      pollMs,
      handoffs: opts.acceptHandoffs !== false,
    },
  });

  while (!opts.signal.aborted) {
    let claimed = 0;
    if (mayClaim()) {
      try {
        const limit = concurrency - delivering;
        lastClaimAt = Date.now();
        const rows = await claimBatch({
          ctx,
          input: { workerId: opts.workerId, limit, leaseMs: policy.leaseMs, held: [...inHand] },
        });
        lastClaimShort = rows.length < limit;
        claimed = rows.length;
        if (claimed > 0) {
          emit({ type: 'claimed', count: claimed });
          const byId = await accountsOf(rows);
          for (const row of rows) {
            delivering += 1;
            launch(row, row.accountId ? byId.get(row.accountId) : undefined);
          }
        }
      } catch (err) {
        emit({ type: 'error', message: (err as Error).message });
      }
    }
    if (claimed > 0 && mayClaim()) continue;
    if (claimed === 0 && inFlight.size === 0) {
      if (!idle) emit({ type: 'idle' });
      idle = true;
      if (opts.exitWhenIdle) break;
    } else idle = false;
    // Sleep until a slot frees (when busy), a message is queued in-process, the poll interval passes, or we stop.
    const freed = new Promise<void>((resolve) => {
      slotFreed = resolve;
    });
    if (!mayClaim()) await ctx.outbox.wake.wait(pollMs, opts.signal, freed);
    else {
      await ctx.outbox.wake.wait(pollMs, opts.signal, inFlight.size > 0 ? freed : undefined);
      const wait = lastClaimShort ? lastClaimAt + lingerMs - Date.now() : 0;
      if (wait > 0 && !opts.signal.aborted) await new Promise((r) => setTimeout(r, wait));
    }
    slotFreed = null;
  }
  unregister();
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  closed = true;
  clearInterval(renewer);
  await committer.flush();
  const { finished, returned } = atStop;
  await writeLog(ctx, {
    message: opts.signal.aborted
      ? `Outbox worker ${opts.workerId} stopped: ${finished} in flight finished, ${returned} returned to the queue`
      : `Outbox worker ${opts.workerId} stopped: nothing left to send`,
    context: {
      workerId: opts.workerId,
      finished,
      returned,
      reason: opts.signal.aborted ? 'stopped' : 'idle',
    },
  });
}

/** A Main Log row about the worker itself; a database that cannot take it must not stop the worker. */
async function writeLog(
  ctx: Ctx,
  entry: { message: string; context: Record<string, unknown> },
): Promise<void> {
  try {
    await ctx.log({ source: 'queue', level: 'info', ...entry });
  } catch (err) {
    console.error(`mailroom: ${entry.message} (not in the Main Log: ${(err as Error).message})`);
  }
}
