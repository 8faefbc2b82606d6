import { eq } from 'drizzle-orm';
import { addTimelineEvent } from '../accounts/timeline';
import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import { accounts } from '../db/schema';
import { healthWith, type LastTest, partFromTest, setHealthPart } from '../health';
import type { Direction } from '../schemas/account';
import type { ConnectionTestResult } from '../schemas/connection';

/** The last-test summary a result leaves on the account. */
export function lastTestOf(direction: Direction, result: ConnectionTestResult, at: Date): LastTest {
  return {
    direction,
    ok: result.ok,
    at: at.toISOString(),
    durationMs: result.durationMs,
    ...(result.error ? { errorCode: result.error.code, message: result.error.message } : {}),
    // Already redacted with the test's secrets (engine.ts), as the message is.
    ...(result.error?.detail ? { detail: result.error.detail } : {}),
  };
}

/**
 * Stores a saved account's test: the direction's last-test summary, a `tested` timeline event, and the
 * direction's health (a health change is its own timeline event). A passing outgoing test lifts the
 * circuit breaker's pause: the connection is proven to work, so sending need not wait out the pause.
 */
export async function recordTest(
  ctx: Ctx,
  accountId: string,
  direction: Direction,
  result: ConnectionTestResult,
): Promise<void> {
  const resumed = await ctx.db.transaction(async (tx) => {
    const [row] = (await tx
      .select()
      .from(accounts)
      .where(eq(accounts.id, accountId))
      .for('update')) as AccountRow[];
    if (!row) return false; // deleted while the test ran: nothing left to record on
    const last = lastTestOf(direction, result, ctx.now());
    const lastTest = { ...(row.lastTest as Record<string, LastTest>), [direction]: last };
    const resume =
      direction === 'outgoing' && result.ok && (row.failureStreak > 0 || row.pausedUntil !== null);
    await tx
      .update(accounts)
      .set({ lastTest, ...(resume ? { failureStreak: 0, pausedUntil: null } : {}) })
      .where(eq(accounts.id, accountId));
    const failedStep = result.steps.find((s) => !s.ok)?.step;
    const label = direction === 'outgoing' ? 'Outgoing' : 'Incoming';
    const part = partFromTest(last);
    await addTimelineEvent(
      ctx,
      tx,
      accountId,
      'tested',
      result.ok
        ? `${label} connection test passed in ${result.durationMs} ms`
        : `${label} connection test failed at ${failedStep}: ${result.error?.message}`,
      {
        direction,
        ok: result.ok,
        durationMs: result.durationMs,
        steps: result.steps.map((s) => ({ step: s.step, ok: s.ok, durationMs: s.durationMs })),
        ...(result.error
          ? {
              error: {
                code: result.error.code,
                message: result.error.message,
                hint: result.error.hint,
                // OpenSSL's own line (a failed TLS handshake), for whoever reads the log row.
                ...(result.error.detail ? { detail: result.error.detail } : {}),
              },
            }
          : {}),
        health: { from: row.health, to: healthWith(row, direction, part).health },
      },
    );
    await setHealthPart(ctx, tx, accountId, direction, part, {
      row: { ...row, lastTest, ...(resume ? { failureStreak: 0, pausedUntil: null } : {}) },
    });
    return resume;
  });
  if (resumed) {
    await ctx.log({
      source: 'queue',
      level: 'info',
      message: 'Sending resumed: the outgoing connection test passed',
      accountId,
    });
  }
}
