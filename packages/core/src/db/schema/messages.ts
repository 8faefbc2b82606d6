import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { SendAs } from '../../schemas/defaults';
import type { RecipientResult } from '../../schemas/messages';

/** A recipient entry as stored: its latest state (the story is in recipient_events). */
export type StoredRecipient = Omit<RecipientResult, 'events'>;

/** The outbox: each row is both the queue entry and the journal of one message. */
export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id'),
    teamId: text('team_id'),
    status: text('status', {
      enum: ['queued', 'sending', 'sent', 'partially_sent', 'deferred', 'failed', 'cancelled'],
    }).notNull(),
    mode: text('mode', { enum: ['immediate', 'queued'] }).notNull(),
    routeReason: text('route_reason').notNull(),
    routeExplanation: text('route_explanation').notNull().default(''),
    fromAddress: text('from_address').notNull(),
    fromName: text('from_name'),
    /** The Send-as decision that gave the From (allowed or rewritten, and why); null on older rows. */
    sendAs: jsonb('send_as').$type<SendAs | null>(),
    to: jsonb('to').$type<string[]>().notNull(),
    cc: jsonb('cc').$type<string[]>().notNull().default([]),
    bcc: jsonb('bcc').$type<string[]>().notNull().default([]),
    replyTo: text('reply_to'),
    subject: text('subject').notNull(),
    text: text('text'),
    html: text('html'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    attachments: jsonb('attachments')
      .$type<Array<{ filename: string; contentType: string; contentBase64: string }>>()
      .notNull()
      .default([]),
    messageId: text('message_id'),
    idempotencyKey: text('idempotency_key'),
    /**
     * Whose key it is (`store.ts` idempotencyScope): `token:<id>` for an API token (two tokens may share a
     * name), `user:<id>` for a signed-in user, `label:system` for Mailroom; null for keys stored before
     * migration 0028 (found under `created_by` for a day).
     */
    idempotencyScope: text('idempotency_scope'),
    /** sha256 of the request body sent with the Idempotency-Key: a replay with another body is a conflict. */
    requestHash: text('request_hash'),
    /** Messages made by one bulk request share this id. */
    bulkId: text('bulk_id'),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
    lastError: jsonb('last_error').$type<{
      code: string;
      message: string;
      hint?: string;
      reply?: string;
      responseCode?: number;
      /** The library's own words behind the message (an OpenSSL line): technical detail. */
      detail?: string;
    } | null>(),
    recipients: jsonb('recipients').$type<StoredRecipient[]>().notNull().default([]),
    /** Internal messages (verification codes) are not listed in the outbox by default. */
    internal: boolean('internal').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: text('created_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('messages_claim_idx').on(t.status, t.nextAttemptAt),
    // The claim's two ordered walks (outbox/claimBatch.ts): due messages, then expired leases. Each stops
    // after the batch, however many messages wait.
    index('messages_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'deferred')`),
    index('messages_lease_idx').on(t.leaseExpiresAt).where(sql`${t.status} = 'sending'`),
    // The outbox list pages newest first by (created_at, id): one index per filter it offers.
    index('messages_account_idx').on(t.accountId, t.createdAt, t.id),
    index('messages_team_idx').on(t.teamId, t.createdAt, t.id),
    index('messages_created_idx').on(t.createdAt, t.id),
    index('messages_status_created_idx').on(t.status, t.createdAt, t.id),
    index('messages_bulk_idx').on(t.bulkId, t.createdAt, t.id).where(sql`${t.bulkId} is not null`),
    uniqueIndex('messages_idempotency_uq')
      .on(t.idempotencyScope, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
  ],
);

export const messageAttempts = pgTable(
  'message_attempts',
  {
    id: text('id').primaryKey(),
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    /** The sending account, so per-account rate limits can count recent attempts. */
    accountId: text('account_id'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    durationMs: integer('duration_ms').notNull(),
    ok: boolean('ok').notNull(),
    reply: text('reply'),
    errorCode: text('error_code'),
    responseCode: integer('response_code'),
    worker: text('worker'),
  },
  (t) => [
    index('message_attempts_message_idx').on(t.messageId, t.at),
    index('message_attempts_account_idx').on(t.accountId, t.at),
  ],
);
