import { createContext, systemActor } from '../context';
import { newWorkerId, workerLabel } from '../outbox/workerId';
import { type DispatcherOptions, runDispatcher } from './runDispatcher';

export type StartedDispatcher = { name: string; workerId: string; stop(): Promise<void> };

/** Starts the webhook dispatcher in the background (beside the outbox worker); `stop()` lets requests in flight finish. */
export function startDispatcher(
  opts: Omit<DispatcherOptions, 'signal' | 'workerId'> & { workerId?: string },
): StartedDispatcher {
  const abort = new AbortController();
  const workerId = opts.workerId ?? newWorkerId('webhooks');
  const done = runDispatcher({ ...opts, workerId, signal: abort.signal }).catch(async (err: Error) => {
    const message = `Webhook dispatcher ${workerId} stopped: ${err.message}`;
    console.error(`mailroom: ${message}`);
    const ctx = createContext(opts.base, { ...systemActor, label: workerLabel('webhooks', workerId) });
    await ctx.log({ source: 'webhooks', level: 'error', message, context: { workerId } }).catch(() => {});
  });
  return {
    name: 'webhook-dispatcher',
    workerId,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
