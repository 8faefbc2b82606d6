import { createContext, systemActor } from '../context';
import { runWorker, type WorkerOptions } from './runWorker';
import { newWorkerId, workerLabel } from './workerId';

export type StartedWorker = { name: string; workerId: string; stop(): Promise<void> };

/**
 * Starts the outbox worker in the background (the quick start runs it in the API process);
 * `stop()` lets in-flight deliveries finish and be recorded. Pooled connections belong to the
 * outbox (`base.outbox`), which is closed after the worker, since immediate sends use them too.
 */
export function startWorker(
  opts: Omit<WorkerOptions, 'signal' | 'workerId'> & { workerId?: string },
): StartedWorker {
  const abort = new AbortController();
  const workerId = opts.workerId ?? newWorkerId();
  const done = runWorker({ ...opts, workerId, signal: abort.signal }).catch(async (err: Error) => {
    const message = `Outbox worker ${workerId} stopped: ${err.message}`;
    console.error(`mailroom: ${message}`);
    const ctx = createContext(opts.base, { ...systemActor, label: workerLabel('worker', workerId) });
    await ctx.log({ source: 'queue', level: 'error', message, context: { workerId } }).catch(() => {});
  });
  return {
    name: 'outbox-worker',
    workerId,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
