import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { recordSendHealth, sendFacts, upsertTraffic } from '../health';
import { newId } from '../ids';
import { createRedactor, type SecretSet } from '../security/redact';
import type { SendOutcome } from '../transport/types';
import { type EmitInput, emitEvents } from '../webhooks/emitEvent';
import { messageEvent } from '../webhooks/messageEvents';
import { type Decision, decide } from './decide';
import type { Attempted } from './deliverMessage';
import type { OutboxPolicy } from './policy';
import { rowsOf } from './rows';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export type Recorded = { id: string; status: Decision['status']; recorded: boolean; decision: Decision };

/**
 * Records the outcome of attempts in one transaction: each message's new state (only while the
 * attempt's worker still holds its lease), one attempt row each, the accounts' last successful and failed
 * send, and their outgoing health and circuit breakers (health/sendHealth.ts).
 * The worker calls it with everything finished since the last call (group commit). Everything a server
 * said is redacted first, so no reader (message, attempts, health, timeline, Main Log) sees a secret.
 */
export async function recordOutcomes({
  ctx,
  attempts: given,
  policy,
}: {
  ctx: Ctx;
  attempts: Attempted[];
  policy: OutboxPolicy;
}): Promise<Recorded[]> {
  if (given.length === 0) return [];
  const attempts = redactAttempts(given);
  const now = ctx.now();
  const decided = attempts.map((a) => ({
    a,
    d: decide(a.message, a.result, now, policy, { noRetry: a.noRetry ?? false }),
  }));
  // One JSON parameter per list: cheap to build and parse however many outcomes the batch has.
  const updates = decided.map(({ a, d }) => ({
    id: a.message.id,
    owner: a.worker,
    status: d.status,
    next_at: iso(d.nextAttemptAt),
    last_error: d.lastError,
    recipients: d.recipients,
    sent_at: iso(d.sentAt),
  }));
  const attemptRows = decided.map(({ a }) => ({
    id: newId(),
    message_id: a.message.id,
    account_id: a.accountId,
    at: a.at.toISOString(),
    duration_ms: a.durationMs,
    ok: a.result.ok,
    reply: a.result.ok ? a.result.reply : (a.result.error.reply ?? a.result.error.message),
    error_code: a.result.ok ? null : a.result.error.code,
    response_code: a.result.ok ? (a.result.responseCode ?? null) : (a.result.error.responseCode ?? null),
    worker: a.worker,
  }));
  // The accounts' last successful and failed send, one row per account and outcome for the whole batch.
  const facts = sendFacts(attempts);
  // Messages, their attempt rows and the send facts in one statement: atomic without a transaction of its own.
  const record = sql`
    with upd as (
      update messages m set
        status = v.status, attempt_count = m.attempt_count + 1, next_attempt_at = v.next_at,
        lease_owner = null, lease_expires_at = null, last_error = v.last_error,
        recipients = v.recipients, sent_at = v.sent_at, updated_at = ${iso(now)}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
        as v(id text, owner text, status text, next_at timestamptz, last_error jsonb, recipients jsonb, sent_at timestamptz)
      where m.id = v.id and m.status = 'sending' and m.lease_owner = v.owner
      returning m.id
    ), ins as (
      insert into message_attempts (id, message_id, account_id, at, duration_ms, ok, reply, error_code, response_code, worker)
      select id, message_id, account_id, at, duration_ms, ok, reply, error_code, response_code, worker
      from jsonb_to_recordset(${JSON.stringify(attemptRows)}::jsonb)
        as x(id text, message_id text, account_id text, at timestamptz, duration_ms int, ok boolean, reply text,
             error_code text, response_code int, worker text)
      returning 1
    )${facts.length ? sql`, traffic as (${upsertTraffic(facts)} returning 1)` : sql``}
    select id from upd`;
  const all = decided.map(({ a }) => a);
  // The outcomes, the breaker and the webhook events they cause commit together (transactional outbox).
  const updated = await ctx.db.transaction(async (tx) => {
    const res = await tx.execute(record);
    const ids = new Set(rowsOf<{ id: string }>(res).map((r) => r.id));
    const logs = needsBreaker(all) ? await recordSendHealth(ctx, tx, all, policy, now) : [];
    await emitEvents(
      tx,
      decided.filter(({ a }) => ids.has(a.message.id)).map(({ a, d }) => outcomeEvent(a, d, now)),
    );
    return { ids, logs };
  });
  // Log rows go through their own connection: written inside the transaction they would wait for it on PGlite.
  for (const entry of updated.logs) await ctx.log(entry);
  for (const { a, d } of decided) {
    if (!a.transcript) continue;
    await ctx.log({
      source: 'outgoing',
      level: 'debug',
      message: `Transcript of message ${a.message.id} (${d.status}):\n${a.transcript}`,
      accountId: a.accountId,
      context: { messageId: a.message.id, worker: a.worker },
    });
  }

  const out: Recorded[] = decided.map(({ a, d }) => ({
    id: a.message.id,
    status: d.status,
    recorded: updated.ids.has(a.message.id),
    decision: d,
  }));
  for (const r of out) {
    const { a, d } = decided.find((x) => x.a.message.id === r.id)!;
    if (!r.recorded) {
      await ctx.log({
        source: 'queue',
        level: 'warning',
        message: `Message ${r.id}: the lease was lost before the outcome was recorded (another worker may retry it)`,
        accountId: a.accountId,
        context: { messageId: r.id, worker: a.worker },
      });
    } else if (d.status !== 'sent') {
      await ctx.log({
        source: 'outgoing',
        level: d.status === 'failed' ? 'error' : 'warning',
        // "partially sent", as people say it (a warning: some recipients have it).
        message: `Message ${r.id} ${d.status.replace('_', ' ')}: ${d.lastError?.message ?? 'not delivered'}`,
        accountId: a.accountId,
        context: {
          messageId: r.id,
          subject: a.message.subject,
          error: d.lastError,
          nextAttemptAt: iso(d.nextAttemptAt),
          attempt: a.message.attemptCount + 1,
        },
      });
    }
  }
  return out;
}

/**
 * Every text of the attempts that a server or a transport produced (replies, error messages, recipients'
 * replies, transcripts), redacted with each attempt's secrets. The sets are built once per account and
 * shared by its attempts, so a batch compiles each account's forms once, and repeated replies are redacted once.
 */
function redactAttempts(attempts: Attempted[]): Attempted[] {
  const redactors = new Map<SecretSet | undefined, (text: string) => string>();
  return attempts.map((a) => {
    let r = redactors.get(a.secrets);
    if (!r) {
      r = createRedactor(a.secrets);
      redactors.set(a.secrets, r);
    }
    const { transcript: _raw, ...res } = a.result;
    const recipients = res.recipients.map((x) => (x.reply === null ? x : { ...x, reply: r(x.reply) }));
    const result: SendOutcome = res.ok
      ? { ...res, reply: r(res.reply), recipients }
      : {
          ...res,
          error: {
            ...res.error,
            message: r(res.error.message),
            ...(res.error.reply !== undefined ? { reply: r(res.error.reply) } : {}),
            ...(res.error.detail !== undefined ? { detail: r(res.error.detail) } : {}),
          },
          recipients,
        };
    return { ...a, result, ...(a.transcript ? { transcript: r(a.transcript) } : {}) };
  });
}

/** The webhook event of a recorded outcome: message.sent (sent or partially sent), deferred or failed. */
function outcomeEvent(a: Attempted, d: Decision, now: Date): EmitInput {
  const type =
    d.status === 'deferred' ? 'message.deferred' : d.status === 'failed' ? 'message.failed' : 'message.sent';
  const error = d.lastError ? { code: d.lastError.code, message: d.lastError.message } : null;
  return messageEvent(
    type,
    { ...a.message, recipients: d.recipients },
    d.status,
    {
      attempt: a.message.attemptCount + 1,
      ...(error ? { error } : {}),
      ...(d.nextAttemptAt ? { nextAttemptAt: d.nextAttemptAt.toISOString() } : {}),
      ...(d.sentAt ? { sentAt: d.sentAt.toISOString() } : {}),
    },
    now,
  );
}

/** Breaker work is due for an account-level failure, or a success on an account not known to be healthy. */
function needsBreaker(attempts: Attempted[]): boolean {
  return attempts.some((a) =>
    a.result.ok || a.result.error.code === 'rejected'
      ? a.accountHealthy !== true
      : a.result.error.accountLevel,
  );
}
