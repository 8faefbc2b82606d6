import { boolean, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';

/**
 * The last successful and the last failed send and fetch of each account: one row per account, direction
 * and outcome, overwritten by newer traffic (the outbox upserts one row per account per batch).
 */
export const accountTraffic = pgTable(
  'account_traffic',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: ['outgoing', 'incoming'] }).notNull(),
    ok: boolean('ok').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The failure's class; null for a success. */
    errorCode: text('error_code'),
    responseCode: integer('response_code'),
    /** The server's words, redacted of the account's secrets. */
    reply: text('reply'),
    summary: text('summary').notNull(),
    /** The library's own words behind the summary, verbatim and redacted (an OpenSSL line): technical detail. */
    detail: text('detail'),
    messageId: text('message_id'),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.direction, t.ok] })],
);
