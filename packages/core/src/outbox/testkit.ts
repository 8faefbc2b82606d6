import type { MockMailServer } from '@mailroom/mock-mailserver';
import { createAccount } from '../accounts/createAccount';
import type { Ctx } from '../context';
import { MailroomError } from '../errors';
import type { TestEnv } from '../testing';
import { getMessage } from './getMessage';
import type { OutboxPolicy } from './policy';
import { runWorker, type WorkerEvent } from './runWorker';
import { deliveryFailed, type SendResult } from './sendMessage';

/** Retry and breaker timings short enough for tests, bounded so a loop cannot run away. */
export const fastPolicy: Partial<OutboxPolicy> = {
  backoffBaseMs: 20,
  backoffMaxMs: 100,
  breakerThreshold: 3,
  breakerBaseMs: 150,
  breakerMaxMs: 300,
  leaseMs: 30_000,
};

let n = 0;
/** An SMTP account that sends to the mock server over plain SMTP on loopback. */
export async function mockAccount(ctx: Ctx, mock: MockMailServer, outgoing: Record<string, unknown> = {}) {
  n += 1;
  return createAccount({
    ctx,
    input: {
      name: `Mock ${n} ${Math.random().toString(36).slice(2, 8)}`,
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: mock.smtpPort,
        security: 'none',
        from: { address: `sender${n}@example.com`, name: 'Sender' },
        sendMode: 'queued',
        ...outgoing,
      },
    },
  });
}

/**
 * Runs a worker until `done()` holds, checked at the start and after every outcome the worker
 * records (and whenever it goes idle); fails after `timeoutMs`.
 */
export async function runUntil(
  env: TestEnv,
  done: () => Promise<boolean>,
  opts: { policy?: Partial<OutboxPolicy>; timeoutMs?: number; events?: WorkerEvent[] } = {},
): Promise<void> {
  const abort = new AbortController();
  let check = () => {};
  const worker = runWorker({
    base: env.base,
    workerId: `test-${Math.random().toString(36).slice(2, 8)}`,
    signal: abort.signal,
    pollMs: 20,
    policy: opts.policy ?? fastPolicy,
    onEvent: (e) => {
      opts.events?.push(e);
      if (e.type === 'recorded' || e.type === 'idle') check();
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let checking: Promise<void> = Promise.resolve();
      let finished = false;
      const finish = (err?: unknown) => {
        finished = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new Error('timed out waiting for the outbox')),
        opts.timeoutMs ?? 10_000,
      );
      let queued = false;
      check = () => {
        // One check at a time; events during a check queue one more after it.
        if (queued) return;
        queued = true;
        checking = checking
          .then(async () => {
            queued = false;
            if (!finished && (await done())) finish();
          })
          .catch(finish);
      };
      check();
    });
  } finally {
    abort.abort();
    await worker;
  }
}

/** Runs a worker until the message reaches one of the statuses. */
export async function runUntilStatus(env: TestEnv, id: string, statuses: string[], policy = fastPolicy) {
  await runUntil(env, async () => statuses.includes((await getMessage({ ctx: env.ctx, id })).status), {
    policy,
  });
  return getMessage({ ctx: env.ctx, id });
}

/**
 * The problem the API answers an immediate send with when it was not delivered (`deliveryFailed`,
 * as the route raises it); fails the test when the send was delivered, queued or replayed.
 */
export async function undelivered(send: Promise<SendResult>): Promise<MailroomError> {
  const res = await send;
  if (res.outcome === 'failed' || res.outcome === 'deferred') return deliveryFailed(res.message);
  throw new Error(`expected the send not to be delivered; it was ${res.outcome}`);
}

/** The MailroomError a call fails with; fails the test when it succeeds or throws anything else. */
export async function failure(p: Promise<unknown>): Promise<MailroomError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MailroomError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}
