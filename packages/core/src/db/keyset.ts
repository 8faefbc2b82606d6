import { type AnyColumn, asc, desc, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { MailroomError } from '../errors';
import { rowsOf } from '../outbox/rows';
import type { CursorListResult } from '../schemas/common';
import type { Queryable } from './client';

/**
 * Where a page of a newest-first list starts: the sort key (a timestamp, to the microsecond, and the id
 * that breaks ties) of the row it continues from, and which way it goes (`older`: the next page,
 * `newer`: the previous one). Clients see it only as an opaque string.
 */
export type Cursor = { at: string; id: string; dir: 'older' | 'newer' };

/** The largest count a list reports: beyond it, `total` is this and `totalCapped` is true. */
export const TOTAL_CAP = 1000;

const isoMicro = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d{1,6})?Z$/;

/** Ids as this product makes them (UUIDs, bigint serials): nothing Postgres would refuse to compare. */
const idText = /^[A-Za-z0-9_-]{1,64}$/;

/** A timestamp Postgres takes as it is: a real calendar day (no 31st of February) from year 1 on. */
function realInstant(at: string): boolean {
  const m = isoMicro.exec(at);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (y < 1 || h > 23 || mi > 59 || s > 59) return false;
  const day = new Date(Date.UTC(y, mo - 1, d));
  day.setUTCFullYear(y);
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

const badCursor = () =>
  new MailroomError('validation_failed', 'cursor is not one this list gave', {
    errors: [{ path: 'cursor', message: 'must be a nextCursor or prevCursor from this list, unchanged' }],
  });

/** The opaque form of a cursor: base64url of a short JSON array. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.dir === 'older' ? 'o' : 'n', c.at, c.id])).toString('base64url');
}

/** Reads a cursor a client sent back; anything that is not one of ours is a 400 naming `cursor`. */
export function decodeCursor(text: string): Cursor {
  const bad = badCursor;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(value) || value.length !== 3) throw bad();
  const [dir, at, id] = value as unknown[];
  if ((dir !== 'o' && dir !== 'n') || typeof at !== 'string' || typeof id !== 'string') throw bad();
  if (!realInstant(at) || !idText.test(id)) throw bad();
  return { dir: dir === 'o' ? 'older' : 'newer', at, id };
}

/** The sort timestamp as exact text (microseconds, UTC), so a cursor built from it matches it exactly. */
export const exactAt = (at: AnyColumn): SQL<string> =>
  sql<string>`to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The parts of a keyset query over `(at, id)`, newest first: the condition that starts after the cursor
 * (a row comparison an index on `(…, at, id)` serves), the order, and how many rows to ask for (one more
 * than the page, to know whether another page follows). `idCast` names the id column's type when it is
 * not text (the Main Log's ids are bigint).
 */
export function keyset(
  cols: { at: AnyColumn; id: AnyColumn; idCast?: 'bigint' },
  cursor: Cursor | undefined,
): { where: SQL | undefined; orderBy: SQL[] } {
  const cast = cols.idCast ? sql.raw(`::${cols.idCast}`) : sql``;
  // A bigint id is digits that fit in one; anything else was edited, and Postgres would fail on the cast.
  if (cursor && cols.idCast === 'bigint' && !/^\d{1,18}$/.test(cursor.id)) {
    throw badCursor();
  }
  if (!cursor) return { where: undefined, orderBy: [desc(cols.at), desc(cols.id)] };
  const key = sql`(${cursor.at}::timestamptz, ${cursor.id}${cast})`;
  return cursor.dir === 'older'
    ? { where: sql`(${cols.at}, ${cols.id}) < ${key}`, orderBy: [desc(cols.at), desc(cols.id)] }
    : { where: sql`(${cols.at}, ${cols.id}) > ${key}`, orderBy: [asc(cols.at), asc(cols.id)] };
}

export type PageLinks = { nextCursor: string | null; prevCursor: string | null };

/**
 * Turns the rows a keyset query returned (up to `pageSize + 1`, in its order) into the page, newest
 * first, and the cursors either side of it. `offset` > 0 means the page was reached by page number.
 */
export function finishPage<R>(
  rows: R[],
  opts: {
    pageSize: number;
    cursor: Cursor | undefined;
    offset: number;
    key: (row: R) => { at: string; id: string };
  },
): { items: R[] } & PageLinks {
  const more = rows.length > opts.pageSize;
  const page = rows.slice(0, opts.pageSize);
  const newer = opts.cursor?.dir === 'newer';
  if (newer) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const link = (row: R | undefined, dir: Cursor['dir']) =>
    row ? encodeCursor({ ...opts.key(row), dir }) : null;
  // Going back (newer), "more" means more newer rows; going on (older, or the first page), more older ones.
  const olderExist = newer ? true : more;
  const newerExist = newer ? more : opts.cursor !== undefined || opts.offset > 0;
  return {
    items: page,
    nextCursor: olderExist ? link(last, 'older') : null,
    prevCursor: newerExist ? link(first, 'newer') : null,
  };
}

/**
 * Counts the rows of a list's query up to `TOTAL_CAP` (+1 to know it was capped): a count stays cheap at
 * a million rows, where an exact `count(*)` would read them all on every page. `matching` is the list's
 * query selecting anything (`select 1 … where …`), without order or limit.
 */
export async function cappedCount(
  db: Queryable,
  matching: SQLWrapper,
): Promise<{ total: number; totalCapped: boolean }> {
  const res = await db.execute(
    sql`select count(*)::int as n from (${matching} limit ${TOTAL_CAP + 1}) as matching`,
  );
  const n = Number(rowsOf<{ n: number }>(res)[0]?.n ?? 0);
  return n > TOTAL_CAP ? { total: TOTAL_CAP, totalCapped: true } : { total: n, totalCapped: false };
}

/**
 * Several columns as one searchable text, joined by line breaks (a search never spans two of them): the
 * expression a trigram index is built on must be written the same way in the query that uses it, so the
 * separator is a constant, never a parameter.
 */
export function searchText(parts: Array<AnyColumn | SQL>): SQL {
  return sql`(${sql.join(parts, sql.raw(" || E'\\n' || "))})`;
}

/**
 * The same order as `keyset(…).orderBy`, in a form no index can give (`nulls last` on a descending key,
 * `nulls first` on an ascending one: the columns are never null, so the rows come out in the same order).
 * A query ordered this way cannot walk the time index and filter row by row until the page is full; the
 * planner finds the matches through the other indexes (a text search's GIN index, a time window's range)
 * and sorts them. A list uses it where it knows the walk would be long (outbox/listMessages.ts).
 */
export function sortedApart(cols: { at: AnyColumn; id: AnyColumn }, cursor: Cursor | undefined): SQL[] {
  return cursor?.dir === 'newer'
    ? [sql`${cols.at} asc nulls first`, sql`${cols.id} asc nulls first`]
    : [sql`${cols.at} desc nulls last`, sql`${cols.id} desc nulls last`];
}

/** What a list's fetch is given: the keyset condition, order and size of the page, and what it came from. */
export type PageQuery = {
  where: SQL | undefined;
  orderBy: SQL[];
  limit: number;
  offset: number;
  /** The cursor the page continues from (none on the first page and with page numbers). */
  cursor: Cursor | undefined;
  /** The capped count of the same query, running beside the fetch (a fetch may wait for it to pick a plan). */
  counted: Promise<{ total: number; totalCapped: boolean }>;
};

/**
 * One page of a newest-first list, the way every long list pages: by `cursor` (keyset) or, for old clients,
 * by `page` (offset), with the capped count and the cursors either side. The list gives its count query
 * (`select 1 … where …`), how to fetch rows after a keyset condition, and each row's key and view.
 */
export async function keysetList<R, T>(
  db: Queryable,
  opts: {
    input: { cursor?: string | undefined; page: number; pageSize: number };
    cols: { at: AnyColumn; id: AnyColumn; idCast?: 'bigint' };
    count: SQLWrapper;
    /** The count when the list has it another way (instead of counting `count`). */
    counted?: Promise<{ total: number; totalCapped: boolean }>;
    fetch: (page: PageQuery) => Promise<R[]>;
    key: (row: R) => { at: string; id: string };
    view: (row: R) => T;
  },
): Promise<CursorListResult<T>> {
  const { input } = opts;
  const cursor = input.cursor ? decodeCursor(input.cursor) : undefined;
  const offset = cursor ? 0 : (input.page - 1) * input.pageSize;
  const counting = opts.counted ?? cappedCount(db, opts.count);
  const [counted, rows] = await Promise.all([
    counting,
    opts.fetch({
      ...keyset(opts.cols, cursor),
      limit: input.pageSize + 1,
      offset,
      cursor,
      counted: counting,
    }),
  ]);
  const { items, ...links } = finishPage(rows, { pageSize: input.pageSize, cursor, offset, key: opts.key });
  return { items: items.map(opts.view), ...counted, page: input.page, pageSize: input.pageSize, ...links };
}
