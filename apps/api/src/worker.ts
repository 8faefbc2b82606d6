import { newWorkerId, startDispatcher, startWorker } from '@mailroom/core';
import type { Env } from './env';
import { openCore } from './lib/coreConfig';

/** Worker settings from the environment, shared by `start` (in-process) and `worker`. */
export function workerOptions(env: Env) {
  return {
    concurrency: env.MAILROOM_WORKER_CONCURRENCY,
    pollMs: env.MAILROOM_WORKER_POLL_MS,
    policy: {
      leaseMs: env.MAILROOM_WORKER_LEASE_MS,
      maxAttempts: env.MAILROOM_OUTBOX_MAX_ATTEMPTS,
      giveUpAfterMs: Math.round(env.MAILROOM_OUTBOX_GIVE_UP_HOURS * 3600_000),
    },
  };
}

/**
 * Webhook dispatcher settings: the outbox worker's lease and poll interval (one lease machinery, released
 * at start on the embedded database and by the heartbeat on Postgres like the outbox's).
 */
export function dispatcherOptions(env: Env) {
  return { pollMs: env.MAILROOM_WORKER_POLL_MS, policy: { leaseMs: env.MAILROOM_WORKER_LEASE_MS } };
}

/**
 * `mailroom worker`: the outbox worker and the webhook dispatcher alone, for scale-out on one Postgres (claims are SKIP LOCKED
 * with leases, so workers never send a message twice). On PGlite only one process may open the data
 * directory: run it instead of `start`, never beside it. Stops cleanly on SIGINT/SIGTERM.
 */
export async function runWorkerCommand(env: Env, opts: { events?: boolean } = {}): Promise<void> {
  const core = await openCore(env);
  const { database, base } = core;
  const workerId = newWorkerId('worker');
  await core.presence.register(workerId, 'worker');
  const worker = startWorker({
    base,
    workerId,
    ...workerOptions(env),
    ...(opts.events ? { onEvent: (e) => process.stdout.write(`${JSON.stringify(e)}\n`) } : {}),
  });
  const dispatcherId = newWorkerId('webhooks');
  await core.presence.register(dispatcherId, 'webhooks');
  const dispatcher = startDispatcher({
    base,
    workerId: dispatcherId,
    ...dispatcherOptions(env),
    ...(opts.events
      ? { onEvent: (e) => process.stdout.write(`${JSON.stringify({ type: 'webhook', event: e })}\n`) }
      : {}),
  });
  if (opts.events)
    process.stdout.write(`${JSON.stringify({ type: 'started', workerId, storage: database.kind })}\n`);
  else console.log(`mailroom worker ${workerId} running on ${database.kind}`);
  const stop = async () => {
    await Promise.all([worker.stop(), dispatcher.stop()]);
    await base.outbox.close();
    await core.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
