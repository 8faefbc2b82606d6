import { and, eq, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { type CtxBase, createContext, systemActor } from '../context';
import { accounts, incomingState } from '../db/schema';
import { fetchAccount } from './fetchAccount';

export type Poller = { stop(): Promise<void> };

/**
 * Polls every active account with incoming enabled on its own interval. Each fetch runs under the
 * account's lease, so several processes on one Postgres never fetch the same account at once.
 */
export function startPoller(base: CtxBase, opts: { owner: string; tickMs?: number }): Poller {
  const ctx = createContext(base, systemActor);
  const tickMs = opts.tickMs ?? 5000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

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
      // Failures are logged and scheduled by fetchAccount; a lost lease race is not an error.
      await fetchAccount({ ctx, id, owner: opts.owner }).catch(() => undefined);
    }
  };
  const loop = () => {
    if (stopped) return;
    running = tick()
      .catch((err: Error) => console.error('mailroom: poller tick failed:', err.message))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, tickMs);
      });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
