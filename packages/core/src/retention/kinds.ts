import { and, eq, inArray, isNotNull, isNull, lt, notExists, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  accounts,
  inboxMessages,
  logs,
  messages,
  oauthAuthorizations,
  webhookDeliveries,
  webhookEvents,
} from '../db/schema';
import { AUTHORIZATION_USE_TTL_MS } from '../oauth/takeAuthorization';

/** Each kind of row with a retention setting, in the order a run prunes them. */
export const retentionKinds = [
  'sentMessages',
  'failedMessages',
  'cancelledMessages',
  'inbox',
  'logs',
  'webhookDeliveries',
  'oauthSignIns',
] as const;
export type RetentionKind = (typeof retentionKinds)[number];

/** How a run names each kind in the Main Log. */
export const retentionLabels: Record<RetentionKind, string> = {
  sentMessages: 'sent messages',
  failedMessages: 'failed messages',
  cancelledMessages: 'cancelled messages',
  inbox: 'inbox messages',
  logs: 'log rows',
  webhookDeliveries: 'webhook deliveries',
  oauthSignIns: 'OAuth2 sign-ins',
};

/**
 * Kinds kept for a fixed time instead of a setting, in milliseconds. An OAuth2 sign-in goes an hour after
 * it could last be used: by then nothing reads it (a used one's secrets left it at the Save, the form read
 * its outcome right after, and the connect is on the account's timeline with who started it) and a
 * replayed id is refused as an unknown sign-in, as a used one was.
 */
export const fixedRetentionMs = { oauthSignIns: AUTHORIZATION_USE_TTL_MS } as const;

/**
 * One bounded batch: deletes at most `limit` rows of the kind older than `before` and says how many it
 * removed. Each batch is one short statement (`DELETE … WHERE id IN (SELECT … LIMIT n)`), so no lock is
 * held between batches; the outer WHERE repeats the conditions, so a row changed meanwhile (a failed
 * message retried a moment ago) is re-checked by Postgres and left alone.
 */
export type PruneBatch = (db: Db, before: Date, limit: number) => Promise<number>;

const messageStatuses: Record<'sentMessages' | 'failedMessages' | 'cancelledMessages', string[]> = {
  sentMessages: ['sent', 'partially_sent'],
  failedMessages: ['failed'],
  cancelledMessages: ['cancelled'],
};

/** Messages in a final state, counted from when they were created; attempts and recipient events go with them. */
function messageBatch(statuses: string[]): PruneBatch {
  return async (db, before, limit) => {
    const old = and(
      inArray(messages.status, statuses as Array<(typeof messages.status.enumValues)[number]>),
      lt(messages.createdAt, before),
    );
    const ids = db.select({ id: messages.id }).from(messages).where(old).limit(limit);
    const gone = await db
      .delete(messages)
      .where(and(inArray(messages.id, ids), old))
      .returning({ id: messages.id });
    return gone.length;
  };
}

/**
 * Fetched mail by when it was fetched. A POP3 row is also what keeps the same mail from being fetched
 * again (its UIDL), so it is pruned only when the account deletes fetched mail from the server.
 */
const inboxBatch: PruneBatch = async (db, before, limit) => {
  const deletesOnServer = db
    .select({ id: accounts.id })
    .from(accounts)
    .where(sql`${accounts.incoming}->>'afterFetch' = 'delete'`);
  const old = and(
    lt(inboxMessages.fetchedAt, before),
    or(isNull(inboxMessages.uidl), inArray(inboxMessages.accountId, deletesOnServer)),
  );
  const ids = db.select({ id: inboxMessages.id }).from(inboxMessages).where(old).limit(limit);
  const gone = await db
    .delete(inboxMessages)
    .where(and(inArray(inboxMessages.id, ids), old))
    .returning({ id: inboxMessages.id });
  return gone.length;
};

const logBatch: PruneBatch = async (db, before, limit) => {
  const ids = db.select({ id: logs.id }).from(logs).where(lt(logs.at, before)).limit(limit);
  const gone = await db
    .delete(logs)
    .where(and(inArray(logs.id, ids), lt(logs.at, before)))
    .returning({ id: logs.id });
  return gone.length;
};

/**
 * Finished webhook deliveries (delivered or given up) by when they finished, with their attempts; then
 * the events no delivery refers to any more. Deliveries still to be made are never pruned.
 */
const webhookBatch: PruneBatch = async (db, before, limit) => {
  const old = and(isNotNull(webhookDeliveries.finishedAt), lt(webhookDeliveries.finishedAt, before));
  const ids = db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(old).limit(limit);
  const gone = await db
    .delete(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.id, ids), old))
    .returning({ id: webhookDeliveries.id });
  const orphan: SQL | undefined = and(
    lt(webhookEvents.createdAt, before),
    notExists(
      db
        .select({ one: sql`1` })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.eventId, webhookEvents.id)),
    ),
  );
  const events = db.select({ id: webhookEvents.id }).from(webhookEvents).where(orphan).limit(limit);
  await db.delete(webhookEvents).where(and(inArray(webhookEvents.id, events), orphan));
  return gone.length;
};

/**
 * OAuth2 sign-ins past `before` (an hour ago): used ones from their use; unused ones from when they could
 * last be used: a finished one (a connected one still holds the refresh token nobody took) connects an
 * account within the hour after it finished, a pending one never finishes after its expiry.
 */
const oauthBatch: PruneBatch = async (db, before, limit) => {
  const t = oauthAuthorizations;
  const old = or(
    lt(t.usedAt, before),
    and(isNull(t.usedAt), or(lt(t.completedAt, before), and(isNull(t.completedAt), lt(t.expiresAt, before)))),
  );
  const ids = db.select({ id: t.id }).from(t).where(old).limit(limit);
  const gone = await db
    .delete(t)
    .where(and(inArray(t.id, ids), old))
    .returning({ id: t.id });
  return gone.length;
};

export const pruneBatches: Record<RetentionKind, PruneBatch> = {
  sentMessages: messageBatch(messageStatuses.sentMessages),
  failedMessages: messageBatch(messageStatuses.failedMessages),
  cancelledMessages: messageBatch(messageStatuses.cancelledMessages),
  inbox: inboxBatch,
  logs: logBatch,
  webhookDeliveries: webhookBatch,
  oauthSignIns: oauthBatch,
};
