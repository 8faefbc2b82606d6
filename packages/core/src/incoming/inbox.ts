import { and, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { exactAt, keysetList, searchText } from '../db/keyset';
import { accounts, inboxMessages } from '../db/schema';
import { notFound, parseInput } from '../errors';
import type { CursorListResult } from '../schemas/common';
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
    kind: r.kind,
  };
}

/** Team admins read the inboxes of system accounts and their teams' accounts only. */
function scope(ctx: Ctx): SQL | undefined {
  if (ctx.actor.role !== 'team_admin') return undefined;
  return ctx.actor.teamIds.length
    ? or(isNull(accounts.teamId), inArray(accounts.teamId, ctx.actor.teamIds))
    : isNull(accounts.teamId);
}

/** What `q` searches (subject, sender and recipients), as the trigram index of migration 0010 has it. */
export const inboxSearchText = searchText([
  inboxMessages.subject,
  sql`coalesce(${inboxMessages.fromAddress}, '')`,
  sql`coalesce(${inboxMessages.fromName}, '')`,
  sql`${inboxMessages.to}::text`,
]);

/** Lists fetched mail, newest first, by account and text (subject, sender, recipients). */
export async function listInbox({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<CursorListResult<InboxSummary>> {
  const q = parseInput(inboxQuerySchema, input);
  const where: Array<SQL | undefined> = [
    scope(ctx),
    q.accountId ? eq(inboxMessages.accountId, q.accountId) : undefined,
    q.kind === 'all' ? undefined : eq(inboxMessages.kind, q.kind),
  ];
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(sql`${inboxSearchText} ilike ${like}`);
  }
  const cond = and(...where);
  const joined = () =>
    ctx.db
      .select({ m: inboxMessages, accountName: accounts.name, at: exactAt(inboxMessages.fetchedAt) })
      .from(inboxMessages)
      .innerJoin(accounts, eq(accounts.id, inboxMessages.accountId));
  return keysetList(ctx.db, {
    input: q,
    cols: { at: inboxMessages.fetchedAt, id: inboxMessages.id },
    count: ctx.db
      .select({ one: sql`1` })
      .from(inboxMessages)
      .innerJoin(accounts, eq(accounts.id, inboxMessages.accountId))
      .where(cond),
    fetch: (page) =>
      joined()
        .where(and(cond, page.where))
        .orderBy(...page.orderBy)
        .limit(page.limit)
        .offset(page.offset),
    key: (r) => ({ at: r.at, id: r.m.id }),
    view: (r) => summary(r.m, r.accountName),
  });
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
