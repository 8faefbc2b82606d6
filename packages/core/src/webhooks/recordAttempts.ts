import { and, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { isSharedDatabase, type Queryable } from '../db/client';
import { webhookEndpoints } from '../db/schema';
import { newId } from '../ids';
import { retryDelayMs } from '../outbox/policy';
import { rowsOf } from '../outbox/rows';
import type { DeliveryAttempt } from './attemptDelivery';
import type { DeliveryRef } from './claimDeliveries';
import { webhookLog } from './log';
import type { WebhookPolicy } from './policy';
import { asSql, executePrepared, type Prepared, prepare } from './prepared';

export type Attempted = { delivery: DeliveryRef; attempt: DeliveryAttempt };

export type RecordedStatus = 'delivered' | 'pending' | 'failed';

/** What becomes of a delivery after an attempt: delivered, retried later (with backoff), or given up. */
export function nextState(
  delivery: DeliveryRef,
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
 * The write of a batch ($1: the rows as JSON, $2: the dispatcher, $3: now, $4: the endpoints that
 * succeeded): each delivery's next state where `held` says the attempt still counts, with the attempt
 * kept in the delivery's row (the latest attempt lives there; the one it replaces moves to
 * `webhook_attempts`), the endpoints' success mark, and this dispatcher's claim row. A delivery that
 * succeeds at its first attempt so writes one row. An attempt that no longer counts (another dispatcher
 * wrote the delivery meanwhile) is still kept, as an attempt row. A lease left in the row by an older
 * version is cleared.
 */
const writeText = (held: string) => `
    with v as (
      -- A row without \`st\` is a success: delivered, finished when it was made.
      select v.*, v.st is null as ok from jsonb_to_recordset($1) as v(id text, ac int, aid text, at timestamptz,
        dur int, code int, snip text, st text, next timestamptz, fin timestamptz, err text, msg text)
    ), moved as (
      -- The attempt in the row, replaced by this one, moves out. Found by primary key (the ids as an array):
      -- else the planner may hash a scan of every delivery. Two dispatchers that posted the same delivery
      -- (an expired claim row) may both move it: the second finds it there.
      insert into webhook_attempts
        (id, delivery_id, endpoint_id, at, duration_ms, ok, status_code, error_code, message, snippet, worker)
      select d.last_attempt_id, d.id, d.endpoint_id, d.last_attempt_at, d.last_duration_ms, d.last_ok,
        d.last_status_code, d.last_error_code, d.last_message, d.last_snippet, d.last_worker
      from webhook_deliveries d join v on v.id = d.id
      -- Only a delivery attempted before has one (none is looked up in the usual batch of first attempts).
      where d.id = any(array(select id from v where ac > 0)) and d.last_attempt_id is not null and ${held}
      on conflict (id) do nothing
    ), unheld as (
      -- What is due again leaves this dispatcher's claim row at once (Postgres; the embedded database has
      -- none), so another may take it. What is finished is left there for the next claim to drop (the row is
      -- rewritten by every claim): no claim takes a finished delivery, and a finished one is shown as it is.
      update webhook_claims set delivery_ids = delivery_ids - array(select id from v where st = 'pending')
      where lease_owner = $2 and exists (select from v where st = 'pending')
    ), healthy as (
      update webhook_endpoints w set failing_since = null, last_success_at = $3
      where w.id in (select jsonb_array_elements_text($4))
        and (w.failing_since is not null or w.last_success_at is null
          or w.last_success_at < $3 - interval '1 second')
    ), written as (
      update webhook_deliveries d set
        status = coalesce(v.st, 'delivered'), attempt_count = d.attempt_count + 1,
        next_attempt_at = coalesce(v.next, v.at), finished_at = case when v.ok then v.at else v.fin end,
        last_status_code = v.code, last_error_code = v.err, last_attempt_id = v.aid, last_attempt_at = v.at,
        last_duration_ms = v.dur, last_ok = v.ok, last_message = v.msg, last_snippet = v.snip,
        last_worker = $2, lease_owner = null, lease_expires_at = null
      from v
      -- The ids as an array too: the planner then finds the rows by primary key, whatever its statistics
      -- say, instead of scanning every pending and delivering row through the claim index.
      where d.id = v.id and d.id = any(array(select id from v)) and ${held}
      returning d.id
    ), stray as (
      -- An attempt that does not count is kept all the same; a delivery deleted meanwhile (its endpoint
      -- was) keeps none, and fails no other row's write.
      insert into webhook_attempts
        (id, delivery_id, endpoint_id, at, duration_ms, ok, status_code, error_code, message, snippet, worker)
      select v.aid, v.id, x.endpoint_id, v.at, v.dur, v.ok, v.code, v.err, v.msg, v.snip, $2
      from v join webhook_deliveries x on x.id = v.id
      where x.id = any(array(select id from v)) and v.id not in (select id from written)
    )
    select id from written`;
/**
 * Only where the delivery is still open and not attempted since it was claimed (no lease is written into
 * a delivery: the claim only reads, see `claimDeliveries`): so of two dispatchers that posted the same
 * delivery (a claim row that expired meanwhile) one write counts. Prepared once on the embedded database
 * (prepared.ts).
 */
const WRITE: Prepared = {
  name: 'mailroom_webhook_write',
  types: ['jsonb', 'text', 'timestamptz', 'jsonb'],
  // Open written as "not finished": `in ('pending', 'delivering')` would match the claim index's predicate,
  // and with few statistics the planner ANDed a scan of that whole index into every write.
  text: writeText(`d.status not in ('delivered', 'failed') and d.attempt_count = v.ac`),
};

/**
 * Writes a batch of attempts: each delivery's next state with its attempt (only where the delivery is
 * still open with the attempt count it was claimed with; else the attempt alone, as an attempt row) and
 * the success mark of the endpoints that succeeded, in ONE statement (one
 * round trip, the rows passed as one JSON parameter). The success mark (`failing_since` cleared,
 * `last_success_at`) is written when it changes something: the endpoint was failing, or its last success
 * is more than a second old. When some attempts failed, the same statement runs in a transaction with the
 * failure marks, and the endpoints failing for longer than the policy allows are disabled, each with a
 * Main Log row.
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
  const now = ctx.now();
  // Per endpoint: a success clears its failing mark; only failures start it (or keep the first one).
  const succeeded = new Set<string>();
  const failed = new Set<string>();
  for (const { delivery, attempt } of states) (attempt.ok ? succeeded : failed).add(delivery.endpointId);
  for (const id of succeeded) failed.delete(id);

  // A success says only what it was (the statement derives the rest: delivered, finished at `at`); a
  // failure also its next state. Null fields are left out (read as null): a batch is mostly successes.
  const rows = JSON.stringify(
    states.map(({ delivery, attempt, next }) =>
      attempt.ok
        ? {
            id: delivery.id,
            ac: delivery.attemptCount,
            aid: newId(),
            at: attempt.at.toISOString(),
            dur: attempt.durationMs,
            code: attempt.statusCode ?? undefined,
            snip: storable(attempt.snippet) ?? undefined,
          }
        : {
            id: delivery.id,
            ac: delivery.attemptCount,
            aid: newId(),
            at: attempt.at.toISOString(),
            dur: attempt.durationMs,
            code: attempt.statusCode ?? undefined,
            snip: storable(attempt.snippet) ?? undefined,
            st: next.status,
            next: next.nextAttemptAt.toISOString(),
            fin: next.finishedAt?.toISOString() ?? undefined,
            err: attempt.errorCode ?? undefined,
            msg: storable(attempt.message) ?? undefined,
          },
    ),
  );
  const embedded = !isSharedDatabase(ctx.db);
  const args = [rows, workerId, now.toISOString(), JSON.stringify([...succeeded])];
  const run = (q: Queryable) =>
    embedded ? executePrepared(ctx.db, q, WRITE, args) : q.execute(asSql(WRITE, args));
  const result = (recorded: Set<string>) =>
    states.map(({ delivery, next }) => ({
      id: delivery.id,
      status: next.status,
      recorded: recorded.has(delivery.id),
    }));
  const idsOf = (res: unknown) => new Set(rowsOf<{ id: string }>(res).map((r) => r.id));
  // All succeeded (the usual case): one statement is its own transaction.
  if (failed.size === 0) return result(idsOf(await run(ctx.db)));

  // Prepared before the transaction (inside it, PGlite would wait for the transaction itself).
  if (embedded) await prepare(ctx.db, WRITE);
  return ctx.db.transaction(async (tx) => {
    const recorded = idsOf(await run(tx));
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
    return result(recorded);
  });
}

// Text Postgres cannot store: NUL, and half a surrogate pair (a bound may cut a pair; JSON keeps it escaped).
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text as Postgres can store it: anything it would refuse becomes U+FFFD. */
function storable(s: string | null): string | null {
  return s === null ? null : s.replace(UNSTORABLE, '\ufffd');
}
