import { sql } from 'drizzle-orm';
import { addTimelineEvent } from '../accounts/timeline';
import type { Ctx, LogInput } from '../context';
import type { Tx } from '../db/client';
import { newId } from '../ids';
import { createRedactor, type SecretSet } from '../security/redact';
import type { SendOutcome } from '../transport/types';
import { type Decision, decide } from './decide';
import type { Attempted } from './deliverMessage';
import { type OutboxPolicy, pauseMs } from './policy';
import { rowsOf } from './rows';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export type Recorded = { id: string; status: Decision['status']; recorded: boolean; decision: Decision };

/**
 * Records the outcome of attempts in one transaction: each message's new state (only while the
 * attempt's worker still holds its lease), one attempt row each, and the accounts' circuit breakers.
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
  // Messages and their attempt rows in one statement: atomic without a transaction of its own.
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
    )
    select id from upd`;
  const all = decided.map(({ a }) => a);
  const updated = needsBreaker(all)
    ? await ctx.db.transaction(async (tx) => {
        const res = await tx.execute(record);
        const logs = await updateBreakers(ctx, tx, all, policy, now);
        return { ids: new Set(rowsOf<{ id: string }>(res).map((r) => r.id)), logs };
      })
    : { ids: new Set(rowsOf<{ id: string }>(await ctx.db.execute(record)).map((r) => r.id)), logs: [] };
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
        message: `Message ${r.id} ${d.status}: ${d.lastError?.message ?? 'not delivered'}`,
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
          },
          recipients,
        };
    return { ...a, result, ...(a.transcript ? { transcript: r(a.transcript) } : {}) };
  });
}

/** Breaker work is due for an account-level failure, or a success on an account not known to be healthy. */
function needsBreaker(attempts: Attempted[]): boolean {
  return attempts.some((a) =>
    a.result.ok || a.result.error.code === 'rejected'
      ? a.accountHealthy !== true
      : a.result.error.accountLevel,
  );
}

/** Circuit breaker: account-level failures add to the streak and may pause the account; any success resets it. */
async function updateBreakers(
  ctx: Ctx,
  tx: Tx,
  attempts: Attempted[],
  policy: OutboxPolicy,
  now: Date,
): Promise<LogInput[]> {
  const logs: LogInput[] = [];
  const byAccount = new Map<string, { ok: number; failures: Attempted[] }>();
  for (const a of attempts) {
    if (!a.accountId) continue;
    const entry = byAccount.get(a.accountId) ?? { ok: 0, failures: [] };
    if (a.result.ok || !a.result.error.accountLevel) {
      if (a.result.ok || a.result.error.code === 'rejected') entry.ok += 1;
    } else entry.failures.push(a);
    byAccount.set(a.accountId, entry);
  }
  const recovered = [...byAccount].filter(([, e]) => e.ok > 0).map(([id]) => id);
  if (recovered.length > 0) {
    const res = await tx.execute(sql`
      update accounts a set failure_streak = 0, paused_until = null, health = 'ok', health_reason = null
      from (select id, health as old_health from accounts where id in (${sql.join(
        recovered.map((id) => sql`${id}`),
        sql`, `,
      )}) and (failure_streak > 0 or paused_until is not null or health <> 'ok') for update) old
      where a.id = old.id
      returning a.id, old.old_health`);
    for (const r of rowsOf<{ id: string; old_health: string }>(res)) {
      if (r.old_health === 'failing' || r.old_health === 'auth_failed') {
        await addTimelineEvent(
          ctx,
          tx,
          r.id,
          'health_changed',
          'Deliveries work again: the account is no longer paused',
          {
            from: r.old_health,
            to: 'ok',
          },
        );
        logs.push({
          source: 'queue',
          level: 'info',
          message: 'Account resumed after a successful delivery',
          accountId: r.id,
        });
      }
    }
  }
  for (const [id, e] of byAccount) {
    if (e.ok > 0 || e.failures.length === 0) continue;
    const last = e.failures[e.failures.length - 1]!;
    const error = last.result.ok ? null : last.result.error;
    const res = await tx.execute(sql`
      update accounts set failure_streak = failure_streak + ${e.failures.length}
      where id = ${id} returning failure_streak, health, paused_until`);
    const row = rowsOf<{ failure_streak: number; health: string; paused_until: string | null }>(res)[0];
    if (!row || row.failure_streak < policy.breakerThreshold) continue;
    const until = new Date(now.getTime() + pauseMs(row.failure_streak, policy));
    const health = error?.code === 'auth' ? 'auth_failed' : 'failing';
    const reason = `${row.failure_streak} deliveries in a row failed: ${error?.message ?? 'unknown error'}`;
    await tx.execute(sql`
      update accounts set paused_until = ${until.toISOString()}::timestamptz, health = ${health}, health_reason = ${reason}
      where id = ${id}`);
    const wasPaused = row.paused_until !== null && new Date(row.paused_until).getTime() > now.getTime();
    if (row.health !== health || !wasPaused) {
      await addTimelineEvent(
        ctx,
        tx,
        id,
        'health_changed',
        `Sending paused until ${until.toISOString()}: ${reason}`,
        {
          from: row.health,
          to: health,
          pausedUntil: until.toISOString(),
          error: error ? { code: error.code, message: error.message, reply: error.reply } : null,
        },
      );
      logs.push({
        source: 'queue',
        level: 'error',
        message: `Account paused until ${until.toISOString()}: ${reason}`,
        accountId: id,
        context: { failureStreak: row.failure_streak, errorCode: error?.code },
      });
    }
  }
  return logs;
}
