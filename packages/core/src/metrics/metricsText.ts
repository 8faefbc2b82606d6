import { and, count, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import * as t from '../db/schema';
import { visibleTo } from '../outbox/listMessages';
import { messageStatuses } from '../schemas/messages';

/**
 * The accounts the actor may read, as the account list applies it: a team admin sees system-level
 * accounts and their own teams'; admins and viewers see all.
 */
function readableAccounts(ctx: Ctx): SQL | undefined {
  if (ctx.actor.role !== 'team_admin') return undefined;
  const teams = ctx.actor.teamIds;
  return teams.length > 0
    ? or(isNull(t.accounts.teamId), inArray(t.accounts.teamId, teams))
    : isNull(t.accounts.teamId);
}

/**
 * Accounts and outbox counts by state, in the Prometheus text format, counted over what the actor may
 * read: a team admin's scrape gives the same numbers as their lists, never another team's.
 */
export async function metricsText({ ctx }: { ctx: Ctx }): Promise<string> {
  const messagesSeen = visibleTo(ctx);
  const accountRows = await ctx.db
    .select({ stage: t.accounts.stage, health: t.accounts.health, n: count() })
    .from(t.accounts)
    .where(readableAccounts(ctx))
    .groupBy(t.accounts.stage, t.accounts.health);
  const messageRows = await ctx.db
    .select({ status: t.messages.status, n: count() })
    .from(t.messages)
    .where(messagesSeen)
    .groupBy(t.messages.status);
  const [oldest] = await ctx.db
    .select({ age: sql<number>`coalesce(extract(epoch from now() - min(${t.messages.createdAt})), 0)` })
    .from(t.messages)
    .where(and(sql`${t.messages.status} in ('queued', 'deferred')`, messagesSeen));
  const lines = [
    '# HELP mailroom_accounts Mail accounts by stage and health.',
    '# TYPE mailroom_accounts gauge',
    ...accountRows.map((a) => `mailroom_accounts{stage="${a.stage}",health="${a.health}"} ${a.n}`),
    '# HELP mailroom_messages Messages in the outbox by status.',
    '# TYPE mailroom_messages gauge',
    // Every status, none left out at zero: a gauge that vanishes reads as "no data", not "none".
    ...messageStatuses.map(
      (status) =>
        `mailroom_messages{status="${status}"} ${messageRows.find((m) => m.status === status)?.n ?? 0}`,
    ),
    '# HELP mailroom_queue_oldest_seconds Age of the oldest message waiting to be sent.',
    '# TYPE mailroom_queue_oldest_seconds gauge',
    `mailroom_queue_oldest_seconds ${Number(oldest?.age ?? 0).toFixed(0)}`,
  ];
  return `${lines.join('\n')}\n`;
}
