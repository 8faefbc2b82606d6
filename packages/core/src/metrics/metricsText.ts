import { count, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import * as t from '../db/schema';

/** Accounts and outbox counts by state, in the Prometheus text format. */
export async function metricsText(db: Db): Promise<string> {
  const accountRows = await db
    .select({ stage: t.accounts.stage, health: t.accounts.health, n: count() })
    .from(t.accounts)
    .groupBy(t.accounts.stage, t.accounts.health);
  const messageRows = await db
    .select({ status: t.messages.status, n: count() })
    .from(t.messages)
    .groupBy(t.messages.status);
  const [oldest] = await db
    .select({ age: sql<number>`coalesce(extract(epoch from now() - min(${t.messages.createdAt})), 0)` })
    .from(t.messages)
    .where(sql`${t.messages.status} in ('queued', 'deferred')`);
  const lines = [
    '# HELP mailroom_accounts Mail accounts by stage and health.',
    '# TYPE mailroom_accounts gauge',
    ...accountRows.map((a) => `mailroom_accounts{stage="${a.stage}",health="${a.health}"} ${a.n}`),
    '# HELP mailroom_messages Messages in the outbox by status.',
    '# TYPE mailroom_messages gauge',
    ...messageRows.map((m) => `mailroom_messages{status="${m.status}"} ${m.n}`),
    '# HELP mailroom_queue_oldest_seconds Age of the oldest message waiting to be sent.',
    '# TYPE mailroom_queue_oldest_seconds gauge',
    `mailroom_queue_oldest_seconds ${Number(oldest?.age ?? 0).toFixed(0)}`,
  ];
  return `${lines.join('\n')}\n`;
}
