import { and, asc, desc, eq, gte, inArray, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { isSystemScope, teamScopeOn } from '../accounts/teamScope';
import type { Ctx } from '../context';
import { withBitmapMemory } from '../db/client';
import { exactAt, keysetList, type PageQuery, searchText, sortedApart, TOTAL_CAP } from '../db/keyset';
import { accounts, messages } from '../db/schema';
import { parseInput } from '../errors';
import { type CursorListResult, emailAddress } from '../schemas/common';
import { type MessageView, messageListQuerySchema } from '../schemas/messages';
import { toMessageView } from './view';

/**
 * The one rule for which messages an actor reads: admins and viewers all; a team admin those of their
 * teams (`messages.teamId`: the send's teamId, else the account's, else the sending team admin's team,
 * see `store.ts`) and those of no team sent through a system-level account. A message another team sent
 * through a system account is that team's: never shown to other teams (SECURITY.md "Who can do what").
 * Every reader of messages (list, detail, retry, cancel, /metrics, reports, suppressions) applies it.
 */
export function visibleTo(ctx: Ctx): SQL | undefined {
  if (ctx.actor.role !== 'team_admin') return undefined;
  const teams = ctx.actor.teamIds;
  const own = teams.length > 0 ? inArray(messages.teamId, teams) : undefined;
  return or(
    and(
      isNull(messages.teamId),
      sql`${messages.accountId} in (select ${accounts.id} from ${accounts} where ${accounts.teamId} is null)`,
    ),
    own,
  );
}

/**
 * Which of these message ids the actor may read (`visibleTo`); all of them, unread, when there is no limit.
 * A message that is gone is not readable: nothing says whose it was.
 */
export async function readableMessageIds(ctx: Ctx, ids: Iterable<string>): Promise<(id: string) => boolean> {
  const scope = visibleTo(ctx);
  if (!scope) return () => true;
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return () => false;
  const rows = await ctx.db
    .select({ id: messages.id })
    .from(messages)
    .where(and(inArray(messages.id, wanted), scope));
  const readable = new Set(rows.map((m) => m.id));
  return (id) => readable.has(id);
}

/**
 * What `q` searches, as one text: subject, From and the recipients. The same expression as the trigram
 * index of migration 0010 (where pg_trgm exists), so a search is an index scan at a million messages.
 */
export const messageSearchText = searchText([
  messages.subject,
  messages.fromAddress,
  sql`${messages.to}::text`,
  sql`${messages.cc}::text`,
  sql`${messages.bcc}::text`,
]);

/**
 * A `q` that is one whole address (what the send API accepts as a recipient), lower-cased; anything else
 * (a word, part of an address) is searched as text.
 */
export function wholeAddress(text: string): string | undefined {
  if (/\s/.test(text) || !text.includes('@')) return undefined;
  const parsed = emailAddress.safeParse(text);
  return parsed.success ? parsed.data.toLowerCase() : undefined;
}

/**
 * Messages from or to one address (From, To, Cc or Bcc), whatever its case: the expressions of migration
 * 0013's indexes (a btree on the lower-cased From, a GIN `jsonb_path_ops` on the lower-cased recipients),
 * so it is two index lookups at any size.
 */
export const fromOrTo = (address: string): SQL =>
  sql`(lower(${messages.fromAddress}) = ${address} or lower((${messages.to} || ${messages.cc} || ${messages.bcc})::text)::jsonb @> ${JSON.stringify([address])}::jsonb)`;

/**
 * How far back a text search looks, in days from the page's start: a term in many messages has a page of
 * them among the newest, and the trigram index, keyed by 8-day spans too (`SEARCH_SPAN_DAYS`, migration 0029),
 * finds a window's matches without reading the others. A window also counts its
 * matches: more than 1,000 in it is the capped count, with no second pass over the trigram index (at a
 * million, `invoice`: 1,369 matches in 8 days, the page and the count in one query). A rarer term goes on
 * to the next window, then to all of history (measured in docs/PERFORMANCE.md "A million rows").
 */
export const SEARCH_WINDOWS_DAYS = [8, 64] as const;
const DAY_MS = 86_400_000;

/**
 * The time key of the outbox's trigram index (migration 0029): which 8-day span since 1970 a message was
 * created in. A window names the spans it covers (two for 8 days, nine for 64), and the index gives the
 * word's matches in those spans alone, where the trigram index gave the word's matches in all of history to
 * be ANDed with the time's btree (at a million, `invoice`: 62,500 matches and a bitmap of 40–50 ms, now
 * 2,319 and 5 ms). Written as the index's expression, constants and all (the planner matches it as it is).
 */
export const SEARCH_SPAN_DAYS = 8;
export const messageSearchSpan = sql.raw(
  `(floor(extract(epoch from ("messages"."created_at" - timestamptz '1970-01-01 00:00:00+00')) / ${SEARCH_SPAN_DAYS * 86_400}))::int`,
);
const spanOf = (at: Date) => Math.floor(at.getTime() / (SEARCH_SPAN_DAYS * DAY_MS));
/** More spans than a 64-day window's: the window is read as before (the planner's plan). */
const MAX_SPANS = 12;
type Counted = { total: number; totalCapped: boolean };
const countOf = (n: number): Counted =>
  n > TOTAL_CAP ? { total: TOTAL_CAP, totalCapped: true } : { total: n, totalCapped: false };

/**
 * The outbox, newest first: filter by status, account, bulk, time and text; paged by keyset (`cursor`) or,
 * for old clients, by page number. `q` is a whole address (messages from it or to it: To, Cc, Bcc) or
 * text found anywhere in the subject, From and recipients.
 */
export async function listMessages({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<CursorListResult<MessageView>> {
  const q = parseInput(messageListQuerySchema, input ?? {});
  const text = q.q?.trim();
  const address = text ? wholeAddress(text) : undefined;
  const like = text && !address ? `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  // One status, alone: the page walks the (status, created_at, id) index. Written as `= any(array[…])` and
  // sorted by status first, because with `status = 'sent'` the planner treats the status as settled and
  // may walk the time index instead, testing each row: right when the newest rows are mostly sent, and a
  // walk past every queued message when 100,000 wait at the top (1.6 s against 22 ms at a million rows).
  const oneStatus = q.status?.length === 1 && !q.accountId && !q.bulkId ? q.status[0] : undefined;
  const base = and(
    oneStatus
      ? sql`${messages.status} = any(array[${oneStatus}]::text[])`
      : q.status && q.status.length > 0
        ? inArray(messages.status, q.status)
        : undefined,
    q.accountId ? eq(messages.accountId, q.accountId) : undefined,
    q.bulkId ? eq(messages.bulkId, q.bulkId) : undefined,
    q.since ? gte(messages.createdAt, new Date(q.since)) : undefined,
    q.until ? lte(messages.createdAt, new Date(q.until)) : undefined,
    q.internal ? undefined : eq(messages.internal, false),
    address ? fromOrTo(address) : undefined,
    like ? sql`${messageSearchText} ilike ${like}` : undefined,
    visibleTo(ctx),
  );
  // One team (or the system's), without one status: the page walks the (team_id, created_at, id) index,
  // for the same reason as one status. The time index's walk tests every row above the team's newest,
  // 104,000 of them with the queue at the top at a million (129 ms against 0.2).
  const oneTeam = !oneStatus && q.teamId && !q.accountId && !q.bulkId ? q.teamId : undefined;
  // A text search's team (the system's: no team) is the first column of its trigram index (migration
  // 0029), as `coalesce(team_id, '')`: the index gives the team's matches alone, to its windows and to its
  // count (at a million, a team with a product word: 3,334 entries, against the word's 16,668 each tested
  // for the team, or ANDed with the team's btree, 300,000 entries).
  const searchTeam = like && q.teamId ? (isSystemScope(q.teamId) ? '' : q.teamId) : undefined;
  const teamScope =
    searchTeam !== undefined
      ? sql`coalesce(${messages.teamId}, '') = ${searchTeam}`
      : oneTeam && !isSystemScope(oneTeam)
        ? sql`${messages.teamId} = any(array[${oneTeam}]::text[])`
        : teamScopeOn(messages.teamId, q.teamId);
  const where = and(base, teamScope);
  const cols = { at: messages.createdAt, id: messages.id };
  const rowsOf = (page: PageQuery, extra: SQL | undefined, orderBy: SQL[]) =>
    ctx.db
      .select({ m: messages, at: exactAt(messages.createdAt) })
      .from(messages)
      .where(and(where, page.where, extra))
      .orderBy(...orderBy)
      .limit(page.limit)
      .offset(page.offset);

  // A text search's count: the ids of up to 1,001 matches, in any order. For a term in at most 1,000
  // messages they are also the page's candidates, read by id (no second pass over the trigram index).
  const matchIds = () =>
    ctx.db
      .select({ id: messages.id })
      .from(messages)
      .where(where)
      .limit(TOTAL_CAP + 1)
      .then((rows) => rows.map((r) => r.id));
  // A text search counts as it pages: the fetch settles the count (from a window, or from the ids).
  let settle: (c: Counted) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const counted = like
    ? new Promise<Counted>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      })
    : undefined;

  /**
   * A text search's page. Walking the time index and testing each row stops early only when the newest
   * rows match (in the bench the newest 100,000 are the queue, and match nothing); reading every match through
   * the trigram index and sorting them costs as many row reads as there are matches (16,000 for a word in
   * one message of 60 at a million). So: the matches of the 8 days from the page's start, then of 64,
   * each out of the trigram index by the spans it covers (`spansOf`), sorted apart (which no
   * index gives, so the planner cannot choose the long walk instead), their ids and how many there are.
   * More than 1,000 in a window is the count (capped). Otherwise the count's ids are read (one pass of the
   * trigram index over all history, stopping at 1,001); a term in at most 1,000 messages is then read by
   * them. Each window's page is exact (every row outside it is older; newer, paging back).
   */
  const searchPage = async (page: PageQuery) => {
    const apart = sortedApart(cols, page.cursor);
    const newer = page.cursor?.dir === 'newer';
    const start = page.cursor ? new Date(page.cursor.at) : q.until ? new Date(q.until) : new Date();
    const since = q.since ? new Date(q.since).getTime() : undefined;
    const edgeOf = (days: number) => new Date(start.getTime() + (newer ? days : -days) * DAY_MS);
    // A window that reaches past `since` is the whole list: the search goes straight to all of it.
    const windows = SEARCH_WINDOWS_DAYS.filter(
      (days) => newer || since === undefined || edgeOf(days).getTime() > since,
    );
    // The newest message's creation time, when the first page has no upper bound: a window's spans reach
    // it (a clock that was ahead when a message was stored must not hide it from the window).
    let newestOnce: Promise<Date | null> | undefined;
    const newest = () =>
      (newestOnce ??= ctx.db
        .select({ at: sql<string | null>`max(${messages.createdAt})` })
        .from(messages)
        .then((rows) => (rows[0]?.at ? new Date(rows[0].at) : null)));
    /** The spans a window covers, or undefined when there are too many to name. */
    const spansOf = async (days: number): Promise<number[] | undefined> => {
      const [lo, hi] = newer
        ? [start, edgeOf(days)]
        : [edgeOf(days), page.cursor || q.until ? start : maxDate(start, await newest())];
      const first = spanOf(lo);
      const last = spanOf(hi);
      if (last - first + 1 > MAX_SPANS) return undefined;
      return Array.from({ length: last - first + 1 }, (_, k) => first + k);
    };
    // With room for the window's and the word's bitmaps (withBitmapMemory), so their AND stays exact.
    const inWindow = async (days: number | undefined) => {
      const spans = days === undefined ? undefined : await spansOf(days);
      // With its spans named, the window's time bound is tested on the rows the index gives, in a form no
      // btree serves: ANDed with the time's btree (every message of the 8 days, the queue's too) it cost
      // more than the rest of the query (at a million, `invoice` 66 ms against 13).
      const at = spans ? sql`(${messages.createdAt} + interval '0 s')` : messages.createdAt;
      const edge = days === undefined ? undefined : sql`${edgeOf(days).toISOString()}::timestamptz`;
      const bound = edge === undefined ? undefined : newer ? sql`${at} <= ${edge}` : sql`${at} >= ${edge}`;
      return withBitmapMemory(ctx.db, (db) =>
        db
          .select({ id: messages.id, n: sql<number>`count(*) over ()`.mapWith(Number) })
          .from(messages)
          .where(
            and(
              where,
              page.where,
              bound,
              spans
                ? sql`${messageSearchSpan} = any(${sql.raw(`array[${spans.join(',')}]`)}::int[])`
                : undefined,
            ),
          )
          .orderBy(...apart)
          .limit(page.limit),
      );
    };
    const byIds = (found: string[]) =>
      found.length === 0 ? Promise.resolve([]) : rowsOf(page, inArray(messages.id, found), apart);
    // The count's ids, read once and only when a window does not count more than 1,000: for a word in
    // many messages they would be a second pass over the trigram index (beside the window's, at a
    // million: `invoice` 35 ms of the database's CPU per request, against 47–59 with the ids beside it).
    let idsOnce: Promise<string[]> | undefined;
    const counting = async () => {
      idsOnce ??= matchIds();
      const all = await idsOnce;
      settle(countOf(all.length));
      return all;
    };
    for (const days of windows) {
      const found = await inWindow(days);
      if ((found[0]?.n ?? 0) > TOTAL_CAP) {
        settle(countOf(TOTAL_CAP + 1));
        return byIds(found.map((r) => r.id));
      }
      const all = await counting();
      if (found.length >= page.limit) return byIds(found.map((r) => r.id));
      if (all.length <= TOTAL_CAP) return byIds(all);
    }
    // All of the list from `since` (older pages only: a window's lower bound is what the time index
    // serves): one more window, whose matches are the count when the page has no cursor.
    if (since !== undefined && !newer) {
      const found = await inWindow(undefined);
      const n = found[0]?.n ?? 0;
      if (!page.cursor || n > TOTAL_CAP) settle(countOf(n));
      else await counting();
      return byIds(found.map((r) => r.id));
    }
    const all = await counting();
    return all.length <= TOTAL_CAP ? byIds(all) : rowsOf(page, undefined, page.orderBy);
  };

  return keysetList(ctx.db, {
    input: q,
    cols,
    count: ctx.db.select({ one: sql`1` }).from(messages).where(where),
    counted,
    fetch: (page) => {
      if (like && page.offset === 0) return searchPage(page);
      // Page numbers (old clients): the planner's plan, and the count's ids beside it.
      if (like) matchIds().then((found) => settle(countOf(found.length)), fail);
      // A search's team is in its trigram index, not in `team_id = …`: no walk of the team's btree.
      const lead = oneStatus
        ? messages.status
        : oneTeam && searchTeam === undefined
          ? messages.teamId
          : undefined;
      if (!lead) return rowsOf(page, undefined, page.orderBy);
      return rowsOf(page, undefined, [
        page.cursor?.dir === 'newer' ? asc(lead) : desc(lead),
        ...page.orderBy,
      ]);
    },
    key: (r) => ({ at: r.at, id: r.m.id }),
    view: (r) => toMessageView(r.m),
  });
}

const maxDate = (a: Date, b: Date | null): Date => (b && b.getTime() > a.getTime() ? b : a);
