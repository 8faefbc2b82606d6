import { and, inArray, isNotNull, lte, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { webhookAttempts, webhookEndpoints } from '../db/schema';
import { newId } from '../ids';
import { retryDelayMs } from '../outbox/policy';
import type { DeliveryAttempt } from './attemptDelivery';
import { webhookLog } from './log';
import type { WebhookPolicy } from './policy';
import type { DeliveryRow } from './view';

export type Attempted = { delivery: DeliveryRow; attempt: DeliveryAttempt };

export type RecordedStatus = 'delivered' | 'pending' | 'failed';

/** What becomes of a delivery after an attempt: delivered, retried later (with backoff), or given up. */
export function nextState(
  delivery: DeliveryRow,
  attempt: DeliveryAttempt,
  policy: WebhookPolicy,
  random: () => number = Math.random,
): { status: RecordedStatus; nextAttemptAt: Date; finishedAt: Date | null } {
  const now = attempt.at;
  if (attempt.ok) return { status: 'delivered', nextAttemptAt: now, finishedAt: now };
  const deadline = delivery.createdAt.getTime() + policy.giveUpAfterMs;
  if (now.getTime() >= deadline) return { status: 'failed', nextAttemptAt: now, finishedAt: now };
  // The last retry lands on the deadline rather than past it.
  const next = Math.min(now.getTime() + retryDelayMs(delivery.attemptCount + 1, policy, random), deadline);
  return { status: 'pending', nextAttemptAt: new Date(next), finishedAt: null };
}

/**
 * Writes a batch of attempts in one transaction: every attempt row, each delivery's next state (only where
 * this dispatcher still holds its lease), the endpoints' success and failure marks, and disables the
 * endpoints failing for longer than the policy allows, each with a Main Log row.
 */
export async function recordAttempts({
  ctx,
  workerId,
  batch,
  policy,
}: {
  ctx: Ctx;
  workerId: string;
  batch: Attempted[];
  policy: WebhookPolicy;
}): Promise<Array<{ id: string; status: RecordedStatus; recorded: boolean }>> {
  if (batch.length === 0) return [];
  const states = batch.map((b) => ({ ...b, next: nextState(b.delivery, b.attempt, policy) }));
  return ctx.db.transaction(async (tx) => {
    await tx.insert(webhookAttempts).values(
      states.map(({ delivery, attempt }) => ({
        id: newId(),
        deliveryId: delivery.id,
        endpointId: delivery.endpointId,
        at: attempt.at,
        durationMs: attempt.durationMs,
        ok: attempt.ok,
        statusCode: attempt.statusCode,
        errorCode: attempt.errorCode,
        message: attempt.message,
        snippet: attempt.snippet,
        worker: workerId,
      })),
    );
    const values: SQL[] = states.map(
      ({ delivery, attempt, next }) =>
        sql`(${delivery.id}::text, ${next.status}::text, ${next.nextAttemptAt.toISOString()}::timestamptz, ${attempt.statusCode}::int, ${attempt.errorCode}::text, ${next.finishedAt?.toISOString() ?? null}::timestamptz)`,
    );
    const res = await tx.execute(sql`
      update webhook_deliveries d set
        status = v.status, attempt_count = d.attempt_count + 1, next_attempt_at = v.next,
        last_status_code = v.code, last_error_code = v.err, finished_at = v.fin,
        lease_owner = null, lease_expires_at = null
      from (values ${sql.join(values, sql`, `)}) as v(id, status, next, code, err, fin)
      where d.id = v.id and d.status = 'delivering' and d.lease_owner = ${workerId}
      returning d.id`);
    const list = Array.isArray(res) ? res : ((res as { rows?: unknown[] }).rows ?? []);
    const recorded = new Set((list as Array<{ id: string }>).map((r) => r.id));

    // Per endpoint: a success clears its failing mark; only failures start it (or keep the first one).
    const now = ctx.now();
    const succeeded = new Set<string>();
    const failed = new Set<string>();
    for (const { delivery, attempt } of states) (attempt.ok ? succeeded : failed).add(delivery.endpointId);
    for (const id of succeeded) failed.delete(id);
    if (succeeded.size > 0) {
      await tx
        .update(webhookEndpoints)
        .set({ failingSince: null, lastSuccessAt: now })
        .where(inArray(webhookEndpoints.id, [...succeeded]));
    }
    if (failed.size > 0) {
      const ids = [...failed];
      await tx
        .update(webhookEndpoints)
        .set({
          failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.toISOString()}::timestamptz)`,
        })
        .where(inArray(webhookEndpoints.id, ids));
      const disabled = await tx
        .update(webhookEndpoints)
        .set({
          enabled: false,
          disabledReason: sql`'Failing since ' || to_char(${webhookEndpoints.failingSince} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ': disabled after ' || ${Math.round(policy.disableAfterMs / 3600_000)}::text || ' hours without a successful delivery'`,
          updatedAt: now,
          updatedBy: 'system',
        })
        .where(
          and(
            inArray(webhookEndpoints.id, ids),
            isNotNull(webhookEndpoints.failingSince),
            lte(webhookEndpoints.failingSince, new Date(now.getTime() - policy.disableAfterMs)),
            sql`${webhookEndpoints.enabled}`,
          ),
        )
        .returning();
      for (const e of disabled) {
        await webhookLog(ctx, tx, {
          level: 'error',
          message: `Webhook endpoint ${e.url} disabled: ${e.disabledReason}`,
          context: { endpointId: e.id, teamId: e.teamId, failingSince: e.failingSince?.toISOString() },
        });
      }
    }
    return states.map(({ delivery, next }) => ({
      id: delivery.id,
      status: next.status,
      recorded: recorded.has(delivery.id),
    }));
  });
}
