import { inArray, type SQL, sql } from 'drizzle-orm';
import type { AccountRow } from '../accounts/types';
import type { Queryable } from '../db/client';
import { accountTraffic, incomingState } from '../db/schema';
import type { Attempted } from '../outbox/deliverMessage';
import type { Direction, TrafficFact, TrafficView } from '../schemas/account';
import { partOf } from './combine';

/** One row of `account_traffic` as written: the latest success or failure of a direction. */
export type TrafficRow = typeof accountTraffic.$inferInsert;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The send facts of a batch of attempts (already redacted): per account, the latest success and the latest
 * failure, so one statement records the whole batch however many messages it holds.
 */
export function sendFacts(attempts: Attempted[]): TrafficRow[] {
  const latest = new Map<string, Attempted>();
  for (const a of attempts) {
    if (!a.accountId) continue;
    const key = `${a.accountId}:${a.result.ok}`;
    const seen = latest.get(key);
    if (!seen || seen.at.getTime() <= a.at.getTime()) latest.set(key, a);
  }
  return [...latest.values()].map((a) => {
    const base = {
      accountId: a.accountId!,
      direction: 'outgoing' as const,
      at: a.at,
      messageId: a.message.id,
    };
    if (!a.result.ok) {
      const e = a.result.error;
      return {
        ...base,
        ok: false,
        errorCode: e.code,
        responseCode: e.responseCode ?? null,
        reply: e.reply ?? null,
        summary: e.message,
        detail: e.detail ?? null,
      };
    }
    const accepted = a.result.recipients.filter((r) => r.status === 'accepted').length;
    const refused = a.result.recipients.filter((r) => r.status === 'rejected').length;
    return {
      ...base,
      ok: true,
      errorCode: null,
      responseCode: a.result.responseCode ?? null,
      reply: a.result.reply,
      summary: `${plural(accepted, 'recipient', 'recipients')} accepted${refused ? `, ${refused} refused` : ''}`,
    };
  });
}

/**
 * The statement that records traffic facts, to run on its own or as a CTE of a larger one (the outbox's
 * group commit): newer facts replace older ones, an older fact arriving late changes nothing, and facts of
 * accounts that no longer exist are dropped rather than failing the batch.
 */
export function upsertTraffic(facts: TrafficRow[]): SQL {
  const json = JSON.stringify(
    facts.map((f) => ({
      account_id: f.accountId,
      direction: f.direction,
      ok: f.ok,
      at: f.at.toISOString(),
      error_code: f.errorCode ?? null,
      response_code: f.responseCode ?? null,
      reply: f.reply ?? null,
      summary: f.summary,
      detail: f.detail ?? null,
      message_id: f.messageId ?? null,
    })),
  );
  return sql`
    insert into account_traffic (account_id, direction, ok, at, error_code, response_code, reply, summary, detail, message_id)
    select f.account_id, f.direction, f.ok, f.at, f.error_code, f.response_code, f.reply, f.summary, f.detail, f.message_id
    from jsonb_to_recordset(${json}::jsonb)
      as f(account_id text, direction text, ok boolean, at timestamptz, error_code text, response_code int,
           reply text, summary text, detail text, message_id text)
    join accounts a on a.id = f.account_id
    on conflict (account_id, direction, ok) do update set
      at = excluded.at, error_code = excluded.error_code, response_code = excluded.response_code,
      reply = excluded.reply, summary = excluded.summary, detail = excluded.detail, message_id = excluded.message_id
    where account_traffic.at <= excluded.at`;
}

const factOf = (r: typeof accountTraffic.$inferSelect): TrafficFact => ({
  at: r.at.toISOString(),
  errorCode: r.errorCode,
  responseCode: r.responseCode,
  reply: r.reply,
  summary: r.summary,
  ...(r.detail ? { detail: r.detail } : {}),
  messageId: r.messageId,
});

export type TrafficOf = { sending: TrafficView | null; fetching: TrafficView | null };

/**
 * The traffic part of the accounts' views (last successful and failed send and fetch, streaks, pauses, next
 * poll), read for a whole page of accounts in two queries (one after the other: `q` may be a transaction).
 */
export async function loadTraffic(
  q: Queryable,
  rows: AccountRow[],
  now: Date,
): Promise<Map<string, TrafficOf>> {
  const out = new Map<string, TrafficOf>();
  if (rows.length === 0) return out;
  const ids = rows.map((r) => r.id);
  const withIncoming = rows.filter((r) => r.incoming).map((r) => r.id);
  const facts = await q.select().from(accountTraffic).where(inArray(accountTraffic.accountId, ids));
  const polls = withIncoming.length
    ? await q.select().from(incomingState).where(inArray(incomingState.accountId, withIncoming))
    : [];
  const fact = (id: string, direction: Direction, ok: boolean) => {
    const r = facts.find((f) => f.accountId === id && f.direction === direction && f.ok === ok);
    return r ? factOf(r) : null;
  };
  for (const row of rows) {
    const poll = polls.find((p) => p.accountId === row.id);
    const polling = row.stage === 'active' && row.incoming?.enabled !== false;
    out.set(row.id, {
      sending: row.outgoing
        ? {
            health: partOf(row, 'outgoing') ?? null,
            lastOk: fact(row.id, 'outgoing', true),
            lastFailed: fact(row.id, 'outgoing', false),
            failuresInARow: row.failureStreak,
            pausedUntil:
              row.pausedUntil && row.pausedUntil.getTime() > now.getTime()
                ? row.pausedUntil.toISOString()
                : null,
            nextPollAt: null,
          }
        : null,
      fetching: row.incoming
        ? {
            health: partOf(row, 'incoming') ?? null,
            lastOk: fact(row.id, 'incoming', true),
            lastFailed: fact(row.id, 'incoming', false),
            failuresInARow: poll?.failureStreak ?? 0,
            pausedUntil: null,
            nextPollAt: polling ? (poll?.nextPollAt?.toISOString() ?? null) : null,
          }
        : null,
    });
  }
  return out;
}

/** The traffic part of a view for an account without any recorded traffic. */
export function noTraffic(row: AccountRow): TrafficOf {
  const empty = (direction: Direction): TrafficView => ({
    health: partOf(row, direction) ?? null,
    lastOk: null,
    lastFailed: null,
    failuresInARow: 0,
    pausedUntil: null,
    nextPollAt: null,
  });
  return {
    sending: row.outgoing ? empty('outgoing') : null,
    fetching: row.incoming ? empty('incoming') : null,
  };
}
