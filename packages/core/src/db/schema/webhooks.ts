import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** An integrator's receiver: where signed events are posted. Its secrets are ciphertexts (secretBox). */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    /** null: system level (receives every team's events); else only events of this team. */
    teamId: text('team_id'),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Event types delivered; null = all. */
    eventTypes: jsonb('event_types').$type<string[] | null>(),
    enabled: boolean('enabled').notNull().default(true),
    /** Why it is disabled when Mailroom disabled it (failing for too long); null when a person did. */
    disabledReason: text('disabled_reason'),
    /** `whsec_…` encrypted at rest; never returned after create/rotate. */
    secret: text('secret').notNull(),
    /** The secret before the last rotation, still signing until previousSecretUntil. */
    previousSecret: text('previous_secret'),
    previousSecretUntil: timestamp('previous_secret_until', { withTimezone: true, mode: 'date' }),
    /** First failed attempt since the last success; the endpoint is disabled when this is too old. */
    failingSince: timestamp('failing_since', { withTimezone: true, mode: 'date' }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: text('created_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (t) => [index('webhook_endpoints_team_idx').on(t.teamId)],
);

/**
 * The transactional outbox of events: written in the transaction of the change that caused it. The id
 * is the `webhook-id` every delivery and retry of it carries, so receivers deduplicate.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    teamId: text('team_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('webhook_events_created_idx').on(t.createdAt)],
);

/** One event to one endpoint: the queue row (lease and retry like the outbox) and its journal. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['pending', 'delivering', 'delivered', 'failed'] }).notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
    /** The latest attempt's status code and failure class (its other fields are the `last…` ones below). */
    lastStatusCode: integer('last_status_code'),
    lastErrorCode: text('last_error_code'),
    /**
     * The latest attempt, kept in the delivery's own row until another attempt follows, which moves it to
     * `webhook_attempts` (same id): a delivery that succeeds at once writes one row, not two. Null on a
     * delivery not attempted yet, and on those attempted before migration 0030 (theirs are all in
     * `webhook_attempts`).
     */
    lastAttemptId: text('last_attempt_id'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
    lastDurationMs: integer('last_duration_ms'),
    lastOk: boolean('last_ok'),
    lastMessage: text('last_message'),
    lastSnippet: text('last_snippet'),
    lastWorker: text('last_worker'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Delivered or given up; null while it is still to be delivered (retention prunes finished rows). */
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('webhook_deliveries_claim_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'delivering')`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
    index('webhook_deliveries_finished_idx').on(t.finishedAt),
    uniqueIndex('webhook_deliveries_event_endpoint_uq').on(t.eventId, t.endpointId),
  ],
);

/**
 * Every attempt of a delivery but its latest (kept in the delivery's row, see `lastAttemptId`): status code,
 * latency, a bounded redacted snippet, the failure class.
 */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    durationMs: integer('duration_ms').notNull(),
    ok: boolean('ok').notNull(),
    statusCode: integer('status_code'),
    errorCode: text('error_code'),
    message: text('message'),
    snippet: text('snippet'),
    worker: text('worker'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.at)],
);

/**
 * What each webhook dispatcher on Postgres holds: the deliveries in its hand, one row per dispatcher,
 * written by its claim (under an advisory lock, so two claims never take the same delivery) and kept
 * alive by its lease. A claim leaves the deliveries' own rows untouched (a read, not a rewrite of each
 * row with a lease): the deliveries of a live row are skipped by every other claim; those of an expired or
 * released row (its dispatcher died) are due again. The embedded database (one process) keeps the same
 * set in memory (`inFlight.ts`) and has no rows here.
 */
export const webhookClaims = pgTable('webhook_claims', {
  leaseOwner: text('lease_owner').primaryKey(),
  leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  /** The ids of the deliveries held, as a JSON array; stored uncompressed (migration 0031: rewritten by every claim). */
  deliveryIds: jsonb('delivery_ids').$type<string[]>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
