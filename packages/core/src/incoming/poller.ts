import { and, eq, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { type CtxBase, createContext, systemActor } from '../context';
import { accounts, incomingState } from '../db/schema';
import { fetchAccount } from './fetchAccount';

export type Poller = {
  stop(): Promise<void>;
  /** Resolves after the cycle under way (and its log rows) has finished. */
  idle(): Promise<void>;
};

const every = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** An error's message without the query parameters Drizzle appends (they may hold hashes or ciphertexts). */
const reason = (err: unknown): string => String((err as Error)?.message ?? err).split('\nparams:')[0] ?? '';

/**
 * Polls every active account with incoming enabled on its own interval. Each fetch runs under the
 * account's lease, so several processes on one Postgres never fetch the same account at once. Writes to
 * the Main Log (source `incoming`) when it starts and stops, when a poll cycle fails (once per distinct
 * failure, not every few seconds) and when cycles work again. An account whose polls fail is polled less
 * often (backoff) and logged once per change plus an hourly reminder: see recordFetch.ts.
 */
export function startPoller(base: CtxBase, opts: { owner: string; tickMs?: number }): Poller {
  const ctx = createContext(base, systemActor);
  const tickMs = opts.tickMs ?? 5000;
  const log = (level: 'info' | 'error', message: string, context: Record<string, unknown> = {}) =>
    ctx.log({ source: 'incoming', level, message, context: { owner: opts.owner, ...context } });
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = log('info', `Poller started: checks for due accounts every ${every(tickMs)}`, {
    tickMs,
  });
  let failure: { message: string; cycles: number } | null = null;

  const tick = async () => {
    const now = ctx.now();
    const due = await ctx.db
      .select({ id: accounts.id })
      .from(accounts)
      .leftJoin(incomingState, eq(incomingState.accountId, accounts.id))
      .where(
        and(
          eq(accounts.stage, 'active'),
          isNotNull(accounts.incoming),
          sql`coalesce((${accounts.incoming}->>'enabled')::boolean, true)`,
          or(isNull(incomingState.nextPollAt), lte(incomingState.nextPollAt, now)),
          or(isNull(incomingState.leaseExpiresAt), lt(incomingState.leaseExpiresAt, now)),
        ),
      )
      .limit(20);
    for (const { id } of due) {
      if (stopped) return;
      // Failures are logged and scheduled (with backoff) by fetchAccount; a lost lease race is not an error.
      await fetchAccount({ ctx, id, owner: opts.owner, scheduled: true }).catch(() => undefined);
    }
  };
  const succeeded = async () => {
    if (!failure) return;
    const { cycles } = failure;
    failure = null;
    await log('info', `Poll cycles work again after ${cycles} failed ${cycles === 1 ? 'cycle' : 'cycles'}`, {
      failedCycles: cycles,
    });
  };
  const failed = async (err: unknown) => {
    const message = reason(err);
    // A database that is down fails every cycle the same way: one row says so, not one every tickMs.
    if (failure?.message === message) {
      failure.cycles++;
      return;
    }
    failure = { message, cycles: 1 };
    await log('error', `Poll cycle failed: ${message}`);
  };
  const loop = () => {
    if (stopped) return;
    running = running
      .then(() => tick().then(succeeded, failed))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, tickMs);
      });
  };
  loop();
  let stopping: Promise<void> | null = null;
  return {
    stop() {
      stopping ??= (async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await running;
        await log('info', 'Poller stopped');
      })();
      return stopping;
    },
    idle: () => running,
  };
}
