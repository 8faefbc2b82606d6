import type { AccountRow } from '../accounts/types';
import { INCOMING_AUTH_SOURCES } from '../connection/logRows';
import type { Ctx, LogInput } from '../context';
import type { incomingState } from '../db/schema';
import { afterPoll, type PollReport, type PollState, setHealthPart, upsertTraffic } from '../health';
import type { IncomingSettings } from '../schemas/account';
import { releasePollLease } from './lease';
import type { PollCursor } from './types';

/** A fetch's failure, redacted: the class, what happened, the advice, and the server's own words. */
export type FetchError = {
  code: string;
  message: string;
  hint: string;
  reply?: string;
  responseCode?: number;
  /** The library's own words behind the message, verbatim (an OpenSSL line): technical detail. */
  detail?: string;
};

export type FetchOutcome = {
  row: AccountRow;
  part: IncomingSettings;
  leaseOwner: string;
  cursor: PollCursor;
  /** The account's polling state as the fetch found it. */
  before: typeof incomingState.$inferSelect | undefined;
  error: FetchError | undefined;
  fetched: number;
  duplicates: number;
  durationMs: number;
  /** The poller's run (quiet while nothing changes) rather than a person's "Fetch now" (always logged). */
  scheduled: boolean;
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Records a fetch: frees the lease with the cursor and the next poll (backing off while polls fail: 1 min
 * → 2 → 4 … → 30 min, reset by a success), the last successful or failed fetch, and the incoming health
 * (a change is a timeline event). Scheduled polls write the Main Log once per change of state (a first
 * failure, a failure of another class, working again), an hourly reminder while the same failure lasts,
 * a row when mail came in, and the outcome of the first poll of new settings; a refused sign-in is also
 * an `imap_auth`/`pop3_auth` error row.
 */
export async function recordFetch(ctx: Ctx, o: FetchOutcome): Promise<void> {
  const { row, part, error } = o;
  const now = ctx.now();
  const prev: PollState = {
    failureStreak: o.before?.failureStreak ?? 0,
    failingSince: o.before?.failingSince ?? null,
    reportedAt: o.before?.reportedAt ?? null,
    lastError: o.before?.lastError ?? null,
  };
  const { state, nextPollAt, report } = afterPoll(
    prev,
    error ? { code: error.code, message: error.message } : null,
    now,
    part.pollIntervalSec,
  );
  const proto = part.protocol.toUpperCase();
  await ctx.db.transaction(async (tx) => {
    await releasePollLease(tx, row.id, o.leaseOwner, {
      ...o.cursor,
      lastPolledAt: now,
      nextPollAt,
      lastError: state.lastError,
      failureStreak: state.failureStreak,
      failingSince: state.failingSince,
      reportedAt: state.reportedAt,
    });
    await tx.execute(
      upsertTraffic([
        error
          ? {
              accountId: row.id,
              direction: 'incoming',
              ok: false,
              at: now,
              errorCode: error.code,
              responseCode: error.responseCode ?? null,
              reply: error.reply ?? null,
              summary: error.message,
              detail: error.detail ?? null,
            }
          : {
              accountId: row.id,
              direction: 'incoming',
              ok: true,
              at: now,
              summary: `Fetched ${plural(o.fetched, 'new message', 'new messages')} over ${proto}${o.duplicates ? ` (${o.duplicates} already stored)` : ''}`,
            },
      ]),
    );
    await setHealthPart(
      ctx,
      tx,
      row.id,
      'incoming',
      error
        ? {
            health: error.code === 'auth' ? 'auth_failed' : 'failing',
            reason: `Incoming: fetch failed (${error.code}): ${error.message}`,
          }
        : { health: 'ok', reason: 'Incoming: fetching works' },
      { data: { failedPolls: state.failureStreak } },
    );
  });
  // Log rows go through their own connection, after the commit (inside it they would wait for it on PGlite).
  for (const entry of fetchLogRows(o, report, state, nextPollAt)) await ctx.log(entry);
}

/** The Main Log rows of one fetch, as `recordFetch` explains; exported for its tests. */
export function fetchLogRows(
  o: FetchOutcome,
  report: PollReport,
  state: PollState,
  nextPollAt: Date,
): LogInput[] {
  const { row, part, error } = o;
  // A person's fetch, and the first poll of new settings (never polled, or reset by a change), always say
  // how it went; later polls only when something changed.
  const announce = !o.scheduled || !o.before?.nextPollAt;
  const proto = part.protocol.toUpperCase();
  const where = `${part.host}:${part.port}`;
  const rows: LogInput[] = [];
  const context = {
    protocol: part.protocol,
    host: part.host,
    port: part.port,
    fetched: o.fetched,
    duplicates: o.duplicates,
    durationMs: o.durationMs,
    trigger: o.scheduled ? 'poll' : 'manual',
    ...(error ? { error, failedPolls: state.failureStreak, nextPollAt: nextPollAt.toISOString() } : {}),
  };
  if (!error) {
    if (report === 'recovered') {
      rows.push({
        source: 'incoming',
        level: 'info',
        message: `Fetching from ${proto} ${part.host} works again after ${plural(o.before?.failureStreak ?? 0, 'failed poll', 'failed polls')}`,
        accountId: row.id,
        context: { ...context, failingSince: o.before?.failingSince?.toISOString() ?? null },
      });
    }
    if (o.fetched > 0 || announce) {
      rows.push({
        source: 'incoming',
        level: 'info',
        message: `Fetched ${plural(o.fetched, 'new message', 'new messages')} from ${proto} ${part.host}${o.duplicates ? ` (${o.duplicates} already stored)` : ''}`,
        accountId: row.id,
        context,
      });
    }
    return rows;
  }
  if (!announce && report === null) return rows;
  const retry = o.scheduled ? `; next poll ${nextPollAt.toISOString()}` : '';
  rows.push({
    source: 'incoming',
    level: 'error',
    message:
      report === 'still_failing' && o.scheduled
        ? `Fetch from ${part.host} still failing after ${plural(state.failureStreak, 'poll', 'polls')} since ${state.failingSince?.toISOString()} (${error.code}): ${error.message}${retry}`
        : `Fetch from ${part.host} failed (${error.code}): ${error.message}${retry}`,
    accountId: row.id,
    context,
  });
  if (error.code === 'auth') {
    const username = part.auth.method === 'none' ? undefined : part.auth.username;
    rows.push({
      source: INCOMING_AUTH_SOURCES[part.protocol],
      level: 'error',
      message: `${proto} authentication${username ? ` as ${username}` : ''} failed on ${where} when fetching: ${error.message}${error.reply ? ` (${error.reply})` : ''}`,
      accountId: row.id,
      context: { ...context, direction: 'incoming', step: 'authenticate', ok: false },
    });
  }
  return rows;
}
