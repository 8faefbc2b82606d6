import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';

/** Mail fetched from an account's IMAP mailbox or POP3 maildrop, deduplicated per account. */
export const inboxMessages = pgTable(
  'inbox_messages',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    protocol: text('protocol', { enum: ['imap', 'pop3'] }).notNull(),
    mailbox: text('mailbox'),
    uidValidity: bigint('uid_validity', { mode: 'number' }),
    uid: bigint('uid', { mode: 'number' }),
    uidl: text('uidl'),
    messageIdHeader: text('message_id_header'),
    fromAddress: text('from_address'),
    fromName: text('from_name'),
    to: jsonb('to').$type<string[]>().notNull().default([]),
    cc: jsonb('cc').$type<string[]>().notNull().default([]),
    subject: text('subject').notNull().default(''),
    date: timestamp('date', { withTimezone: true, mode: 'date' }),
    text: text('text'),
    html: text('html'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    attachments: jsonb('attachments')
      .$type<Array<{ filename: string | null; contentType: string; size: number }>>()
      .notNull()
      .default([]),
    size: integer('size').notNull(),
    raw: text('raw').notNull(),
    /**
     * What a bounce mailbox found this to be: ordinary `mail` (the inbox lists it), or a `bounce`, a
     * `complaint` or an `auto_reply` (kept for the recipients' stories, left out of the inbox list).
     */
    kind: text('kind', { enum: ['mail', 'bounce', 'complaint', 'auto_reply'] })
      .notNull()
      .default('mail'),
    fetchedAt: timestamp('fetched_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    // The inbox pages newest first by (fetched_at, id), for all accounts or one.
    index('inbox_account_fetched_idx').on(t.accountId, t.fetchedAt, t.id),
    index('inbox_fetched_idx').on(t.fetchedAt, t.id),
    uniqueIndex('inbox_imap_uid_uq')
      .on(t.accountId, t.mailbox, t.uidValidity, t.uid)
      .where(sql`${t.uid} is not null`),
    uniqueIndex('inbox_pop3_uidl_uq').on(t.accountId, t.uidl).where(sql`${t.uidl} is not null`),
    uniqueIndex('inbox_message_id_uq')
      .on(t.accountId, t.messageIdHeader)
      .where(sql`${t.messageIdHeader} is not null`),
  ],
);

/** Where each account's poller stands, and who holds its lease (one poller per account across processes). */
export const incomingState = pgTable('incoming_state', {
  accountId: text('account_id')
    .primaryKey()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  mailbox: text('mailbox'),
  uidValidity: bigint('uid_validity', { mode: 'number' }),
  lastUid: bigint('last_uid', { mode: 'number' }).notNull().default(0),
  lastPolledAt: timestamp('last_polled_at', { withTimezone: true, mode: 'date' }),
  nextPollAt: timestamp('next_poll_at', { withTimezone: true, mode: 'date' }),
  lastError: jsonb('last_error').$type<{ code: string; message: string } | null>(),
  /** Polls in a row that failed; the next poll backs off with it (health/pollBackoff.ts). */
  failureStreak: integer('failure_streak').notNull().default(0),
  /** When the current run of failures began. */
  failingSince: timestamp('failing_since', { withTimezone: true, mode: 'date' }),
  /** When a failure of this run was last written to the Main Log (for the bounded reminder). */
  reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'date' }),
  leaseOwner: text('lease_owner'),
  leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
});
