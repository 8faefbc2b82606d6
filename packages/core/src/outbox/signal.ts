type Waiter = () => void;
const waiters = new Set<Waiter>();

/** Wakes in-process workers: a message was queued (or retried) and can be claimed now. */
export function notifyQueued(): void {
  for (const w of [...waiters]) w();
  waiters.clear();
}

/**
 * Resolves on the next notifyQueued(), after `ms`, when the signal aborts, or when `also` settles:
 * whichever is first. Everything it registered is removed when it resolves.
 */
export function waitForQueued(ms: number, signal?: AbortSignal, also?: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiters.delete(done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    waiters.add(done);
    signal?.addEventListener('abort', done, { once: true });
    also?.then(done, done);
  });
}
