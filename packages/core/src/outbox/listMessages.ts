import { and, count, desc, eq, gte, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { accounts, messages } from '../db/schema';
import { parseInput } from '../errors';
import type { ListResult } from '../schemas/common';
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

/** The outbox: filter by status, account, bulk, time and text (subject and recipients), newest first. */
export async function listMessages({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<ListResult<MessageView>> {
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
    like
      ? or(
          sql`${messages.subject} ilike ${like}`,
          sql`${messages.to}::text ilike ${like}`,
          sql`${messages.cc}::text ilike ${like}`,
          sql`${messages.bcc}::text ilike ${like}`,
          sql`${messages.fromAddress} ilike ${like}`,
        )
      : undefined,
    visibleTo(ctx),
  );
  const [total] = await ctx.db.select({ n: count() }).from(messages).where(where);
  const rows = await ctx.db
    .select()
    .from(messages)
    .where(where)
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return {
    items: rows.map((r) => toMessageView(r)),
    total: Number(total?.n ?? 0),
    page: q.page,
    pageSize: q.pageSize,
  };
}
