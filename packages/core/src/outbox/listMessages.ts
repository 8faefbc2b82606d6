import { and, eq, gte, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { exactAt, keysetList, searchText } from '../db/keyset';
import { accounts, messages } from '../db/schema';
import { parseInput } from '../errors';
import type { CursorListResult } from '../schemas/common';
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
 * The outbox, newest first: filter by status, account, bulk, time and text (subject, From and
 * recipients); paged by keyset (`cursor`) or, for old clients, by page number.
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
  const like = text ? `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const where = and(
    q.status && q.status.length > 0 ? inArray(messages.status, q.status) : undefined,
    q.accountId ? eq(messages.accountId, q.accountId) : undefined,
    q.bulkId ? eq(messages.bulkId, q.bulkId) : undefined,
    q.since ? gte(messages.createdAt, new Date(q.since)) : undefined,
    q.until ? lte(messages.createdAt, new Date(q.until)) : undefined,
    q.internal ? undefined : eq(messages.internal, false),
    like ? sql`${messageSearchText} ilike ${like}` : undefined,
    visibleTo(ctx),
  );
  return keysetList(ctx.db, {
    input: q,
    cols: { at: messages.createdAt, id: messages.id },
    count: ctx.db.select({ one: sql`1` }).from(messages).where(where),
    fetch: (page) =>
      ctx.db
        .select({ m: messages, at: exactAt(messages.createdAt) })
        .from(messages)
        .where(and(where, page.where))
        .orderBy(...page.orderBy)
        .limit(page.limit)
        .offset(page.offset),
    key: (r) => ({ at: r.at, id: r.m.id }),
    view: (r) => toMessageView(r.m),
  });
}
