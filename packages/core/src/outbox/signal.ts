/**
 * Wakes the workers of one outbox: a message was queued (or retried) and can be claimed now. One per
 * outbox, so two databases in one process (tests) never wake each other's workers.
 */
export class WakeSignal {
  private readonly waiters = new Set<() => void>();

  /** Wakes every worker waiting on this outbox. */
  notify(): void {
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
