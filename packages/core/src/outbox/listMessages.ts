import { and, asc, desc, eq, gte, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { exactAt, keysetList, type PageQuery, searchText, sortedApart, TOTAL_CAP } from '../db/keyset';
import { accounts, messages } from '../db/schema';
import { parseInput } from '../errors';
import { type CursorListResult, emailAddress } from '../schemas/common';
import { type MessageView, messageListQuerySchema } from '../schemas/messages';
import { toMessageView } from './view';

/** Team admins see the messages of system accounts and of their teams; everyone else sees all. */
export function visibleTo(ctx: Ctx): SQL | undefined {
  if (ctx.actor.role !== 'team_admin') return undefined;
  const teams = ctx.actor.teamIds;
  const own = teams.length > 0 ? inArray(messages.teamId, teams) : undefined;
  return or(
    sql`${messages.accountId} in (select ${accounts.id} from ${accounts} where ${accounts.teamId} is null)`,
    own,
  );
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
 * How far back a text search looks first, in days before the page's start: a term in many messages has a
 * page of them among the newest, and the trigram index joined to the block-range index on the creation
 * time (migration 0016) finds them without reading every match; a rarer one goes on to the next window
 * (measured in docs/PERFORMANCE.md "A million rows").
 */
export const SEARCH_WINDOWS_DAYS = [1, 8, 64] as const;
const DAY_MS = 86_400_000;
const noIds = (): undefined => undefined;

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
  const where = and(
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
  const matchIds = like
    ? ctx.db
        .select({ id: messages.id })
        .from(messages)
        .where(where)
        .limit(TOTAL_CAP + 1)
        .then((rows) => rows.map((r) => r.id))
    : undefined;

  /**
   * A text search's page. Walking the time index and testing each row stops early only when the newest
   * rows match; reading every match through the trigram index and sorting them costs as many row reads
   * as there are matches (16,000 for a word in one message of 60 at a million). So: the matches of the
   * newest day (from the page's start on), then of 8 and 64 days, each through the trigram index joined
   * to the block-range index of the time, until one holds a page; a term found in at most 1,000 messages
   * (the count, running beside the first window) is read by the ids the count found instead. Each window's
   * page is exact: every row outside it is older (newer, paging back). Sorted apart, so the planner cannot
   * choose the long walk instead.
   */
  const searchPage = async (page: PageQuery, ids: Promise<string[]>) => {
    const apart = sortedApart(cols, page.cursor);
    const newer = page.cursor?.dir === 'newer';
    const start = page.cursor ? new Date(page.cursor.at) : q.until ? new Date(q.until) : new Date();
    const since = q.since ? new Date(q.since).getTime() : undefined;
    const edgeOf = (days: number) => new Date(start.getTime() + (newer ? days : -days) * DAY_MS);
    // A window that reaches past `since` is the whole list: the search goes straight to all of it.
    const windows = SEARCH_WINDOWS_DAYS.filter(
      (days) => newer || since === undefined || edgeOf(days).getTime() > since,
    );
    const inWindow = (days: number) =>
      rowsOf(
        page,
        newer ? lte(messages.createdAt, edgeOf(days)) : gte(messages.createdAt, edgeOf(days)),
        apart,
      );
    const byIds = (found: string[]) =>
      found.length === 0 ? Promise.resolve([]) : rowsOf(page, inArray(messages.id, found), apart);
    const few = async () => {
      const found = await ids;
      return found.length > TOTAL_CAP ? undefined : byIds(found);
    };
    // The first window and the ids run side by side: whichever answers first decides, so a rare term
    // does not wait for the window, nor a common one for the ids.
    const first = windows[0] === undefined ? undefined : inWindow(windows[0]).then((rows) => rows);
    if (first) {
      first.catch(() => {}); // awaited below unless the ids answer first
      const won = await Promise.race([first.then(noIds, noIds), ids]);
      if (won && won.length <= TOTAL_CAP) return byIds(won);
    }
    for (const [k, days] of windows.entries()) {
      const rows = k === 0 && first ? await first : await inWindow(days);
      if (rows.length >= page.limit) return rows;
      const read = await few();
      if (read) return read;
    }
    return (await few()) ?? rowsOf(page, undefined, page.orderBy);
  };

  return keysetList(ctx.db, {
    input: q,
    cols,
    count: ctx.db.select({ one: sql`1` }).from(messages).where(where),
    counted: matchIds?.then((ids) =>
      ids.length > TOTAL_CAP
        ? { total: TOTAL_CAP, totalCapped: true }
        : { total: ids.length, totalCapped: false },
    ),
    fetch: (page) => {
      if (matchIds && page.offset === 0) return searchPage(page, matchIds);
      const lead = page.cursor?.dir === 'newer' ? asc(messages.status) : desc(messages.status);
      return rowsOf(page, undefined, oneStatus ? [lead, ...page.orderBy] : page.orderBy);
    },
    key: (r) => ({ at: r.at, id: r.m.id }),
    view: (r) => toMessageView(r.m),
  });
}
