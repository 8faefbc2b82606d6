import { and, count, desc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { accounts, inboxMessages } from '../db/schema';
import { notFound, parseInput } from '../errors';
import type { ListResult } from '../schemas/common';
import { type InboxMessage, type InboxSummary, inboxQuerySchema } from '../schemas/inbox';

type Row = typeof inboxMessages.$inferSelect;

function summary(r: Row, accountName: string | null): InboxSummary {
  return {
    id: r.id,
    accountId: r.accountId,
    accountName,
    protocol: r.protocol,
    from: { address: r.fromAddress, name: r.fromName },
    to: r.to,
    subject: r.subject,
    date: r.date?.toISOString() ?? null,
    fetchedAt: r.fetchedAt.toISOString(),
    size: r.size,
    attachmentCount: r.attachments.length,
    messageId: r.messageIdHeader,
  };
}

/** Team admins read the inboxes of system accounts and their teams' accounts only. */
function scope(ctx: Ctx): SQL | undefined {
  if (ctx.actor.role !== 'team_admin') return undefined;
  return ctx.actor.teamIds.length
    ? or(isNull(accounts.teamId), inArray(accounts.teamId, ctx.actor.teamIds))
    : isNull(accounts.teamId);
}

/** Lists fetched mail, newest first, by account and text (subject, sender, recipients). */
export async function listInbox({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<ListResult<InboxSummary>> {
  const q = parseInput(inboxQuerySchema, input);
  const where: Array<SQL | undefined> = [
    scope(ctx),
    q.accountId ? eq(inboxMessages.accountId, q.accountId) : undefined,
  ];
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(
      or(
        sql`${inboxMessages.subject} ilike ${like}`,
        sql`coalesce(${inboxMessages.fromAddress}, '') ilike ${like}`,
        sql`coalesce(${inboxMessages.fromName}, '') ilike ${like}`,
        sql`${inboxMessages.to}::text ilike ${like}`,
      ),
    );
  }
  const cond = and(...where);
  const [total] = await ctx.db
    .select({ n: count() })
    .from(inboxMessages)
    .innerJoin(accounts, eq(accounts.id, inboxMessages.accountId))
    .where(cond);
  const rows = await ctx.db
    .select({ m: inboxMessages, accountName: accounts.name })
    .from(inboxMessages)
    .innerJoin(accounts, eq(accounts.id, inboxMessages.accountId))
    .where(cond)
    .orderBy(desc(inboxMessages.fetchedAt), desc(inboxMessages.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return {
    items: rows.map((r) => summary(r.m, r.accountName)),
    total: Number(total?.n ?? 0),
    page: q.page,
    pageSize: q.pageSize,
  };
}

async function load(ctx: Ctx, id: string) {
  const [row] = await ctx.db
    .select({ m: inboxMessages, accountName: accounts.name })
    .from(inboxMessages)
    .innerJoin(accounts, eq(accounts.id, inboxMessages.accountId))
    .where(and(eq(inboxMessages.id, id), scope(ctx)));
  if (!row) throw notFound('Message');
  return row;
}

/** One fetched message with its text, HTML, kept headers and attachment list. */
export async function getInboxMessage({ ctx, id }: { ctx: Ctx; id: string }): Promise<InboxMessage> {
  const { m, accountName } = await load(ctx, id);
  return {
    ...summary(m, accountName),
    cc: m.cc,
    text: m.text,
    html: m.html,
    headers: m.headers,
    attachments: m.attachments,
    mailbox: m.mailbox,
    uid: m.uid,
    uidl: m.uidl,
  };
}

/** The message source exactly as fetched (RFC 5322). */
export async function getInboxRaw({ ctx, id }: { ctx: Ctx; id: string }): Promise<string> {
  return (await load(ctx, id)).m.raw;
}
