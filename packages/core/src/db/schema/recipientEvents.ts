import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { messages } from './messages';

/**
 * What happened to one recipient of a message after the server's 250: a DSN said delivered or bounced,
 * the recipient complained, or the send skipped a suppressed address. One row per event, so a recipient's
 * story is kept in full; the message's `recipients` entry holds only the latest state.
 */
export const recipientEvents = pgTable(
  'recipient_events',
  {
    id: text('id').primaryKey(),
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    /** Lower-case. */
    address: text('address').notNull(),
    state: text('state', {
      enum: ['delivered', 'bounced', 'complained', 'suppressed', 'auto_reply'],
    }).notNull(),
    /** Bounces: hard (5.x.x), soft (4.x.x) or delayed (the server still tries). */
    bounceKind: text('bounce_kind', { enum: ['hard', 'soft', 'delayed'] }),
    /** The enhanced status code (5.1.1) the report gave. */
    status: text('status'),
    diagnostic: text('diagnostic'),
    reportingMta: text('reporting_mta'),
    remoteMta: text('remote_mta'),
    /** How the event was tied to the message: `verp` token, returned `headers`, or the `send` itself. */
    correlation: text('correlation', { enum: ['verp', 'headers', 'send'] }).notNull(),
    /** The fetched report (inbox_messages.id) the event came from. */
    inboxMessageId: text('inbox_message_id'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('recipient_events_message_idx').on(t.messageId, t.at),
    index('recipient_events_address_idx').on(t.address, t.at),
    // Whether a fetched report is tied to a message a team admin may read (incoming/inbox.ts).
    index('recipient_events_inbox_idx').on(t.inboxMessageId).where(sql`${t.inboxMessageId} is not null`),
  ],
);
