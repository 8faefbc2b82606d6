import { and, eq, gt, inArray, isNull, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { accounts, messages } from '../db/schema';
import { parseInput } from '../errors';
import { type MessageRow, rowsOf } from './rows';

const claimInput = z.object({
  workerId: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(1000),
  leaseMs: z.number().int().min(100),
  /** Messages this worker is delivering now: its own expired leases on anything else are taken back. */
  held: z.array(z.string()).max(10_000).default([]),
});

/**
 * Leases up to `limit` due messages for one worker: `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`,
 * so concurrent workers never get the same row. Due means queued, deferred and past its retry time, or
 * `sending` with an expired lease (its worker died); accounts that are inactive or paused are skipped.
 * Rate-limited accounts get at most their remaining budget for the minute; the rest is pushed back.
 */
export async function claimBatch({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof claimInput>;
}): Promise<MessageRow[]> {
  const { workerId, limit, leaseMs, held } = parseInput(claimInput, input);
  const now = ctx.now();
  const usable = and(
    eq(accounts.stage, 'active'),
    or(isNull(accounts.pausedUntil), lte(accounts.pausedUntil, now)),
  );
  // Two picks in one statement, each an ordered walk of its own partial index that stops after `limit`
  // rows, so a claim costs the same with 100 or 100,000 messages due (one OR over both would read and sort
  // every due row). Expired leases go first: another worker's (it died), or ours on a message we no longer
  // hold (a handoff whose request failed after its commit); ours in hand are still being delivered. The
  // status lists are constants, never parameters: a partial index serves a prepared statement's generic
  // plan only when the planner can prove its predicate from the query's text.
  const expired = ctx.db
    .select({ id: messages.id, k: sql`${messages.leaseExpiresAt}`.as('k') })
    .from(messages)
    .innerJoin(accounts, eq(accounts.id, messages.accountId))
    .where(
      and(
        sql`${messages.status} = 'sending'`,
        lte(messages.leaseExpiresAt, now),
        held.length > 0 ? or(ne(messages.leaseOwner, workerId), notInArray(messages.id, held)) : undefined,
        usable,
      ),
    )
    .orderBy(messages.leaseExpiresAt)
    .limit(limit)
    .for('update', { of: messages, skipLocked: true });
  const due = ctx.db
    .select({ id: messages.id, k: sql`${messages.nextAttemptAt}`.as('k') })
    .from(messages)
    .innerJoin(accounts, eq(accounts.id, messages.accountId))
    .where(and(sql`${messages.status} in ('queued', 'deferred')`, lte(messages.nextAttemptAt, now), usable))
    .orderBy(messages.nextAttemptAt)
    .limit(limit)
    .for('update', { of: messages, skipLocked: true });
  // Rows locked by a pick but not leased are free again when the statement ends.
  const picked = sql`with expired as (${expired}), due as (${due})
    select id from (select id, 0 as p, k from expired union all select id, 1 as p, k from due) as picked
    order by p, k limit ${limit}`;
  const claimed = await ctx.db
    .update(messages)
    .set({
      status: 'sending',
      leaseOwner: workerId,
      leaseExpiresAt: new Date(now.getTime() + leaseMs),
      updatedAt: now,
    })
    .where(sql`${messages.id} in (${picked})`)
    .returning();
  if (claimed.length === 0) return claimed;
  // RETURNING has no order: hand them out oldest first, as they were picked.
  claimed.sort((a, b) => (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0));
  return applyRateLimits(ctx, claimed, workerId);
}

/** Keeps what each rate-limited account may still send this minute and spreads the rest over the next one. */
async function applyRateLimits(ctx: Ctx, claimed: MessageRow[], workerId: string): Promise<MessageRow[]> {
  const accountIds = [...new Set(claimed.map((m) => m.accountId).filter((id): id is string => id !== null))];
  const limited = await ctx.db
    .select({ id: accounts.id, outgoing: accounts.outgoing })
    .from(accounts)
    .where(
      and(
        inArray(accounts.id, accountIds),
        gt(sql`coalesce((${accounts.outgoing}->>'rateLimitPerMinute')::int, 0)`, 0),
      ),
    );
  if (limited.length === 0) return claimed;
  const now = ctx.now();
  const since = new Date(now.getTime() - 60_000);
  const keep = new Set(claimed.map((m) => m.id));
  for (const acc of limited) {
    const perMinute = Number(acc.outgoing?.rateLimitPerMinute ?? 0);
    const mine = claimed.filter((m) => m.accountId === acc.id);
    const res = await ctx.db.execute(sql`
      select
        (select count(*) from message_attempts where account_id = ${acc.id} and at > ${since.toISOString()}::timestamptz)::int as recent,
        (select count(*) from messages where account_id = ${acc.id} and status = 'sending' and lease_owner <> ${workerId})::int as busy`);
    const used =
      rowsOf<{ recent: number; busy: number }>(res).map((r) => Number(r.recent) + Number(r.busy))[0] ?? 0;
    const budget = Math.max(0, perMinute - used);
    const excess = mine.slice(budget);
    if (excess.length === 0) continue;
    const spacing = 60_000 / perMinute;
    for (const [i, m] of excess.entries()) {
      keep.delete(m.id);
      await ctx.db
        .update(messages)
        .set({
          status: m.attemptCount > 0 ? 'deferred' : 'queued',
          leaseOwner: null,
          leaseExpiresAt: null,
          nextAttemptAt: new Date(now.getTime() + Math.ceil(spacing * (i + 1))),
        })
        .where(and(eq(messages.id, m.id), eq(messages.leaseOwner, workerId)));
    }
  }
  return claimed.filter((m) => keep.has(m.id));
}
