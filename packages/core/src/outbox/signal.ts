/**
 * Wakes the workers of one outbox: a message was queued (or retried) and can be claimed now. One per
 * outbox, so two databases in one process (tests) never wake each other's workers. On a shared
 * Postgres it is also connected to the other processes (`connect`: LISTEN/NOTIFY), so a message queued
 * by an API process wakes the workers of every other process at once instead of at their next poll.
 */
export class WakeSignal {
  private readonly waiters = new Set<() => void>();
  private broadcast: (() => void) | undefined;
  private broadcastPending = false;

  /**
   * Tells other processes of each wake-up through `broadcast` (at most one per event-loop turn); their
   * wake-ups come back through `wakeLocal()`. Returns the disconnect.
   */
  connect(broadcast: () => void): () => void {
    this.broadcast = broadcast;
    return () => {
      if (this.broadcast === broadcast) this.broadcast = undefined;
    };
  }

  /** Wakes every worker waiting on this outbox, here and (when connected) in the other processes. */
  notify(): void {
    this.wakeLocal();
    if (!this.broadcast || this.broadcastPending) return;
    this.broadcastPending = true;
    setImmediate(() => {
      this.broadcastPending = false;
      this.broadcast?.();
    });
  }

  /** Wakes the workers of this process only (a wake-up from another process). */
  wakeLocal(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) w();
  }

  /**
   * Resolves on the next notify(), after `ms`, when the signal aborts, or when `also` settles:
   * whichever is first. Everything it registered is removed when it resolves.
   */
  wait(ms: number, signal?: AbortSignal, also?: Promise<unknown>): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
      also?.then(done, done);
    });
  }
}
