import { eq } from 'drizzle-orm';
import { addTimelineEvent } from '../accounts';
import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import { accounts } from '../db/schema';
import { healthFromTests, type LastTest } from '../health';
import type { Direction } from '../schemas/account';
import type { ConnectionTestResult } from '../schemas/connection';

/** Stores a saved account's test: last-test summary of the direction, derived health, and a `tested` timeline event. */
export async function recordTest(
  ctx: Ctx,
  accountId: string,
  direction: Direction,
  result: ConnectionTestResult,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = (await tx
      .select()
      .from(accounts)
      .where(eq(accounts.id, accountId))
      .for('update')) as AccountRow[];
    if (!row) return; // deleted while the test ran: nothing left to record on
    const last: LastTest = {
      direction,
      ok: result.ok,
      at: ctx.now().toISOString(),
      durationMs: result.durationMs,
      ...(result.error ? { errorCode: result.error.code, message: result.error.message } : {}),
    };
    const lastTest = { ...(row.lastTest as Record<string, LastTest>), [direction]: last };
    const { health, reason } = healthFromTests(lastTest);
    await tx
      .update(accounts)
      .set({ lastTest, health, healthReason: reason })
      .where(eq(accounts.id, accountId));
    const failedStep = result.steps.find((s) => !s.ok)?.step;
    const label = direction === 'outgoing' ? 'Outgoing' : 'Incoming';
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
          ? { error: { code: result.error.code, message: result.error.message, hint: result.error.hint } }
          : {}),
        health: { from: row.health, to: health },
      },
    );
  });
}
