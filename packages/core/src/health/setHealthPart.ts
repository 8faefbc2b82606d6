import { eq } from 'drizzle-orm';
import { addTimelineEvent } from '../accounts/timeline';
import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { accounts } from '../db/schema';
import type { Direction, Health, HealthPart } from '../schemas/account';
import { emitEvent } from '../webhooks/emitEvent';
import { healthWith, healthWords } from './combine';

export type HealthChange = { from: Health; to: Health; reason: string | null; changed: boolean };

/**
 * Records what the latest evidence of one direction says (a test, a send, a fetch) and derives the
 * account's health from every direction, in the caller's transaction. A change of the account's health is
 * a `health_changed` timeline event ("Health: failing — Incoming: fetch failed (auth): …"); `event` forces
 * one with its own summary (the breaker pausing an account whose health stays the same).
 * Writes nothing when nothing changed, so repeated identical evidence costs one locked read.
 */
export async function setHealthPart(
  ctx: Ctx,
  tx: Queryable,
  accountId: string,
  direction: Direction,
  evidence: { health: Health; reason: string | null },
  opts: { event?: string; data?: Record<string, unknown>; row?: AccountRow } = {},
): Promise<HealthChange | null> {
  const row =
    opts.row ??
    ((await tx.select().from(accounts).where(eq(accounts.id, accountId)).for('update')) as AccountRow[])[0];
  if (!row) return null; // deleted meanwhile: nothing to record on
  const before = row.healthParts[direction];
  const now = ctx.now().toISOString();
  // `since` stays while the direction's state does: "failing since 10:02", not since the last poll.
  const part: HealthPart = {
    health: evidence.health,
    reason: evidence.reason,
    since: before && before.health === evidence.health ? before.since : now,
  };
  const next = healthWith(row, direction, part);
  const same =
    before?.health === part.health &&
    before.reason === part.reason &&
    next.health === row.health &&
    next.reason === row.healthReason;
  const change: HealthChange = {
    from: row.health,
    to: next.health,
    reason: next.reason,
    changed: next.health !== row.health,
  };
  if (same && !opts.event) return change;
  if (!same) {
    await tx
      .update(accounts)
      .set({ health: next.health, healthReason: next.reason, healthParts: next.parts })
      .where(eq(accounts.id, accountId));
  }
  if (change.changed) {
    await emitEvent(tx, {
      type: 'account.health_changed',
      teamId: row.teamId,
      at: ctx.now(),
      data: { accountId, name: row.name, from: row.health, to: next.health, direction, reason: next.reason },
    });
  }
  if (change.changed || opts.event) {
    await addTimelineEvent(
      ctx,
      tx,
      accountId,
      'health_changed',
      opts.event ?? `Health: ${healthWords(next.health)}${next.reason ? ` — ${next.reason}` : ''}`,
      { from: row.health, to: next.health, direction, reason: next.reason, ...(opts.data ?? {}) },
    );
  }
  return change;
}
