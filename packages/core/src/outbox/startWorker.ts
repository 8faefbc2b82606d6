import { hostname } from 'node:os';
import { closeTransports } from '../transport/pool';
import { runWorker, type WorkerOptions } from './runWorker';

export type StartedWorker = { name: string; workerId: string; stop(): Promise<void> };

/** A unique worker id: host, process and a random suffix, so leases name who holds them. */
export function newWorkerId(prefix = 'worker'): string {
  return `${prefix}:${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Starts the outbox worker in the background (the quick start runs it in the API process);
 * `stop()` lets in-flight deliveries finish and be recorded, then closes pooled connections.
 */
export function startWorker(
  opts: Omit<WorkerOptions, 'signal' | 'workerId'> & { workerId?: string },
): StartedWorker {
  const abort = new AbortController();
  const workerId = opts.workerId ?? newWorkerId();
  const done = runWorker({ ...opts, workerId, signal: abort.signal }).catch((err: Error) => {
    console.error(`mailroom: outbox worker stopped: ${err.message}`);
  });
  return {
    name: 'outbox-worker',
    workerId,
    async stop() {
      abort.abort();
      await done;
      closeTransports();
    },
  };
}
