import { and, eq, exists, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { accountsInScope, byAccounts } from '../accounts/teamScope';
import type { Ctx } from '../context';
import { exactAt, keyset, keysetList, type PageQuery, searchText } from '../db/keyset';
import { accounts, inboxMessages, messages, recipientEvents } from '../db/schema';
import { notFound, parseInput } from '../errors';
import { visibleTo } from '../outbox/listMessages';
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

/**
 * What a team admin reads of fetched mail, as a condition on `inbox_messages` alone (the accounts' ids are
 * read once: `= any(array(…))` is computed before the scan, never joined, so the list's query has one
 * table): everything their teams' accounts fetched, and of system accounts the ordinary mail. A report a
 * system bounce mailbox fetched (a bounce, a complaint, an auto-reply) is about one team's message: it
 * names the recipient, carries the receiving server's diagnostic and often quotes the message. A team
 * admin reads it only where it is tied to a message they may read (`visibleTo`); a report tied to no
 * message is for admins. Admins and viewers read everything.
 */
function scopeOfMail(ctx: Ctx): SQL | undefined {
  if (ctx.actor.role !== 'team_admin') return undefined;
  const teams = ctx.actor.teamIds;
  const ofAccounts = (which: SQL | undefined) =>
    sql`${inboxMessages.accountId} = any(array(select ${accounts.id} from ${accounts} where ${which}))`;
  const tiedToReadable = exists(
    ctx.db
      .select({ one: sql`1` })
      .from(recipientEvents)
      .innerJoin(messages, eq(messages.id, recipientEvents.messageId))
      .where(and(eq(recipientEvents.inboxMessageId, inboxMessages.id), visibleTo(ctx))),
  );
  return or(
    teams.length > 0 ? ofAccounts(inArray(accounts.teamId, teams)) : undefined,
    and(ofAccounts(isNull(accounts.teamId)), or(eq(inboxMessages.kind, 'mail'), tiedToReadable)),
  );
}

/** The account's name beside each row of a page: one lookup by primary key per row shown. */
const accountNameOf = sql<
  string | null
>`(select ${accounts.name} from ${accounts} where ${accounts.id} = ${inboxMessages.accountId})`;

/** What `q` searches (subject, sender and recipients), as the trigram index of migration 0010 has it. */
export const inboxSearchText = searchText([
  inboxMessages.subject,
  sql`coalesce(${inboxMessages.fromAddress}, '')`,
  sql`coalesce(${inboxMessages.fromName}, '')`,
  sql`${inboxMessages.to}::text`,
]);

/** The list's filter (scope, account, team, kind, text), on `inbox_messages` alone. */
function inboxFilter(
  ctx: Ctx,
  q: ReturnType<typeof inboxQuerySchema.parse>,
  teamAccounts: string[] | undefined,
): SQL | undefined {
  const like = q.q ? `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : undefined;
  return and(
    scopeOfMail(ctx),
    q.accountId ? eq(inboxMessages.accountId, q.accountId) : undefined,
    byAccounts(inboxMessages.accountId, teamAccounts),
    q.kind === 'all' ? undefined : eq(inboxMessages.kind, q.kind),
    like ? sql`${inboxSearchText} ilike ${like}` : undefined,
  );
}

/**
 * A page of the list: `inbox_messages` alone, the account names looked up for the rows shown. Never a
 * join with `accounts`: a small table whose statistics are stale (never analyzed: a few accounts added
 * since) is estimated at one row, and the planner then put it outside a nested loop and ran the text
 * search once per account (8 times at 100,000 fetched mails, 205 ms instead of 25).
 */
function inboxRows(
  ctx: Ctx,
  filter: SQL | undefined,
  page: Pick<PageQuery, 'where' | 'orderBy' | 'limit' | 'offset'>,
) {
  return ctx.db
    .select({ m: inboxMessages, accountName: accountNameOf, at: exactAt(inboxMessages.fetchedAt) })
    .from(inboxMessages)
    .where(and(filter, page.where))
    .orderBy(...page.orderBy)
    .limit(page.limit)
    .offset(page.offset);
}

const inboxCols = { at: inboxMessages.fetchedAt, id: inboxMessages.id };

/** The query of the list's first page, as `listInbox` runs it (for reading its plan; `teamAccounts`: `accountsInScope` of its `teamId`). */
export function inboxFirstPageQuery(ctx: Ctx, input: unknown, teamAccounts?: string[]) {
  const q = parseInput(inboxQuerySchema, input);
  return inboxRows(ctx, inboxFilter(ctx, q, teamAccounts), {
    ...keyset(inboxCols, undefined),
    limit: q.pageSize + 1,
    offset: 0,
  });
}

/** Lists fetched mail, newest first, by account and text (subject, sender, recipients). */
export async function listInbox({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<CursorListResult<InboxSummary>> {
  const q = parseInput(inboxQuerySchema, input);
  const filter = inboxFilter(ctx, q, await accountsInScope(ctx.db, q.teamId));
  return keysetList(ctx.db, {
    input: q,
    cols: inboxCols,
    count: ctx.db.select({ one: sql`1` }).from(inboxMessages).where(filter),
    fetch: (page) => inboxRows(ctx, filter, page),
    key: (r) => ({ at: r.at, id: r.m.id }),
    view: (r) => summary(r.m, r.accountName),
  });
}

async function load(ctx: Ctx, id: string) {
  const [row] = await ctx.db
    .select({ m: inboxMessages, accountName: accounts.name })
    .from(inboxMessages)
    .innerJoin(accounts, eq(accounts.id, inboxMessages.accountId))
    .where(and(eq(inboxMessages.id, id), scopeOfMail(ctx)));
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
