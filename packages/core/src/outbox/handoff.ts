import type { AccountRow } from '../accounts/types';
import type { MessageRow } from './rows';

/**
 * The in-process worker's front door. A queued send that finds it with a free delivery slot is
 * stored already leased to that worker and handed over in memory once committed: no claim
 * statement, no row read back, no wait for the next poll. Everything else about the message is as
 * if it had been claimed: if this process dies, the lease expires and any worker takes it over.
 */
export type LocalWorker = {
  workerId: string;
  leaseMs: number;
  /** Takes a delivery slot now, or says no (all slots busy, or stopping). */
  reserve(): boolean;
  /** Gives back a slot reserved for a message that was not stored. */
  release(): void;
  /** Delivers a stored message leased to this worker in its reserved slot; false once stopped. */
  deliver(row: MessageRow, account: AccountRow): boolean;
};

/** The outbox's one handoff slot: the worker of this process that queued sends go to, if any. */
export class HandoffSlot {
  private worker: LocalWorker | undefined;

  /** Makes `worker` the handoff target of this outbox; returns the unregister. */
  register(worker: LocalWorker): () => void {
    this.worker = worker;
    return () => {
      if (this.worker === worker) this.worker = undefined;
    };
  }

  /**
   * The local worker to hand a queued send to, with a slot reserved, if there is one and the account
   * needs none of the claim's checks: not paused by its breaker, no per-minute rate limit.
   */
  reserve(account: AccountRow, now: Date): LocalWorker | undefined {
    const worker = this.worker;
    if (!worker) return undefined;
    if (account.pausedUntil && account.pausedUntil.getTime() > now.getTime()) return undefined;
    if (Number(account.outgoing?.rateLimitPerMinute ?? 0) > 0) return undefined;
    return worker.reserve() ? worker : undefined;
  }
}
