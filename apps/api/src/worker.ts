import { newWorkerId, startWorker } from '@mailroom/core';
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
 * `mailroom worker`: the outbox worker alone, for scale-out on one Postgres (claims are SKIP LOCKED
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
  if (opts.events)
    process.stdout.write(`${JSON.stringify({ type: 'started', workerId, storage: database.kind })}\n`);
  else console.log(`mailroom worker ${workerId} running on ${database.kind}`);
  const stop = async () => {
    await worker.stop();
    await base.outbox.close();
    await core.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
