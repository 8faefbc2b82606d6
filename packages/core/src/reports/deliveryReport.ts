import { and, eq, gte, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { teamScopeOn } from '../accounts/teamScope';
import type { Ctx } from '../context';
import { accounts, messages } from '../db/schema';
import { MailroomError, parseInput } from '../errors';
import { visibleTo } from '../outbox/listMessages';
import { type DeliveryReport, deliveryReportQuerySchema } from '../schemas/reports';

const DAY = 86_400_000;

/** How many recipients of the grouped messages match a JSON path filter (their latest state). */
const recipientsWhere = (filter: string) =>
  sql<number>`coalesce(sum(jsonb_array_length(jsonb_path_query_array(${messages.recipients}, ${`$[*] ? (${filter})`}::jsonpath))), 0)`.mapWith(
    Number,
  );

/**
 * Message counts by status per account and/or UTC day of creation, for a date range (default: last 30
 * days). A partially sent message counts as partially sent, neither sent nor failed. Bounces, complaints and
 * suppressions count recipients, by their latest state.
 */
export async function deliveryReport({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<DeliveryReport> {
  const q = parseInput(deliveryReportQuerySchema, input);
  const today = new Date(ctx.now().toISOString().slice(0, 10));
  const to = q.to ? new Date(q.to) : today;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 29 * DAY);
  if (from > to) {
    throw new MailroomError('validation_failed', 'from must not be after to', {
      errors: [{ path: 'from', message: 'must not be after to' }],
    });
  }
  if (to.getTime() - from.getTime() > 366 * DAY) {
    throw new MailroomError('validation_failed', 'the range is limited to 366 days', {
      errors: [{ path: 'to', message: 'must be at most 366 days after from' }],
    });
  }
  const where: Array<SQL | undefined> = [
    gte(messages.createdAt, from),
    lt(messages.createdAt, new Date(to.getTime() + DAY)),
    eq(messages.internal, false),
    q.accountId ? eq(messages.accountId, q.accountId) : undefined,
    // By the message's own team, as the outbox's filter: "Sales team" counts what the outbox lists for it,
    // Sales' sends through a system account included (the rows still name the account sent through).
    teamScopeOn(messages.teamId, q.teamId),
  ];
  if (ctx.actor.role === 'team_admin') {
    // Accounts they may read (the rows name them) and, through them, only the messages they may read:
    // another team's sends through a system account are not counted (outbox `visibleTo`).
    where.push(
      ctx.actor.teamIds.length
        ? or(isNull(accounts.teamId), inArray(accounts.teamId, ctx.actor.teamIds))
        : isNull(accounts.teamId),
      visibleTo(ctx),
    );
  }
  const day = sql<string>`to_char(${messages.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const byDay = q.groupBy !== 'account';
  const byAccount = q.groupBy !== 'day';
  const n = (status: string) =>
    sql<number>`count(*) filter (where ${messages.status} = ${status})`.mapWith(Number);
  const groupCols = [...(byDay ? [day] : []), ...(byAccount ? [messages.accountId, accounts.name] : [])];
  const rows = await ctx.db
    .select({
      day: byDay ? day : sql<string | null>`null`,
      accountId: byAccount ? messages.accountId : sql<string | null>`null`,
      accountName: byAccount ? accounts.name : sql<string | null>`null`,
      total: sql<number>`count(*)`.mapWith(Number),
      sent: n('sent'),
      partiallySent: n('partially_sent'),
      failed: n('failed'),
      deferred: n('deferred'),
      queued: sql<number>`count(*) filter (where ${messages.status} in ('queued', 'sending'))`.mapWith(
        Number,
      ),
      cancelled: n('cancelled'),
      bounced: recipientsWhere('@.status == "bounced"'),
      hardBounced: recipientsWhere('@.status == "bounced" && @.bounceKind == "hard"'),
      complained: recipientsWhere('@.status == "complained"'),
      suppressed: recipientsWhere('@.status == "suppressed"'),
    })
    .from(messages)
    .leftJoin(accounts, eq(accounts.id, messages.accountId))
    .where(and(...where))
    .groupBy(...groupCols)
    .orderBy(...groupCols);
  const totals = {
    total: 0,
    sent: 0,
    partiallySent: 0,
    failed: 0,
    deferred: 0,
    queued: 0,
    cancelled: 0,
    bounced: 0,
    hardBounced: 0,
    complained: 0,
    suppressed: 0,
  };
  for (const r of rows) for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += r[k];
  return {
    from: from.toISOString().slice(0, 10),
    to: to.toISOString().slice(0, 10),
    groupBy: q.groupBy,
    rows: rows.map((r) => ({
      ...r,
      day: r.day ?? null,
      accountId: r.accountId ?? null,
      accountName: r.accountName ?? null,
    })),
    totals,
  };
}
