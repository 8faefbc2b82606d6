import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { HealthParts, IncomingStored, OutgoingStored } from '../../schemas/account';
import { teams } from './users';

export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    label: text('label'),
    purpose: text('purpose', { enum: ['system', 'campaigns', 'customer_service'] }).notNull(),
    teamId: text('team_id').references(() => teams.id, { onDelete: 'restrict' }),
    stage: text('stage', { enum: ['active', 'inactive', 'deleted'] })
      .notNull()
      .default('active'),
    stageReason: text('stage_reason'),
    health: text('health', { enum: ['unknown', 'ok', 'degraded', 'failing', 'auth_failed'] })
      .notNull()
      .default('unknown'),
    healthReason: text('health_reason'),
    /** Health per direction from its latest evidence; `health` is the worst of the account's directions. */
    healthParts: jsonb('health_parts').$type<HealthParts>().notNull().default({}),
    /** Consecutive delivery/test failures; the circuit breaker pauses the account past a threshold. */
    failureStreak: integer('failure_streak').notNull().default(0),
    pausedUntil: timestamp('paused_until', { withTimezone: true, mode: 'date' }),
    debug: boolean('debug').notNull().default(false),
    /** Outgoing settings without secrets, as the transport's module stores them (transports/<kind>/settings.ts). */
    outgoing: jsonb('outgoing').$type<OutgoingStored | null>(),
    /** Incoming settings without secrets. */
    incoming: jsonb('incoming').$type<IncomingStored | null>(),
    /** Encrypted secrets keyed by path (outgoing.auth.password → "mr1:<keyId>:…"). */
    secrets: jsonb('secrets').$type<Record<string, string>>().notNull().default({}),
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }),
    lastTest: jsonb('last_test').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: text('created_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (t) => [
    // Names are unique among accounts that are not deleted, ignoring case.
    uniqueIndex('accounts_name_live_uq').on(sql`lower(${t.name})`).where(sql`${t.stage} <> 'deleted'`),
    index('accounts_team_idx').on(t.teamId),
    index('accounts_stage_idx').on(t.stage),
  ],
);

export const accountEvents = pgTable(
  'account_events',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    actor: text('actor'),
    type: text('type').notNull(),
    summary: text('summary').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('account_events_account_at_idx').on(t.accountId, t.at)],
);

export const accountComments = pgTable(
  'account_comments',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    author: text('author'),
    body: text('body').notNull(),
  },
  (t) => [index('account_comments_account_idx').on(t.accountId, t.at)],
);

/** One default per scope ('system' or a team id) and direction. */
export const accountDefaults = pgTable(
  'account_defaults',
  {
    scope: text('scope').notNull(),
    direction: text('direction', { enum: ['outgoing', 'incoming'] }).notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (t) => [primaryKey({ columns: [t.scope, t.direction] })],
);

export const verificationCodes = pgTable(
  'verification_codes',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    sentTo: text('sent_to').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
    createdBy: text('created_by'),
  },
  (t) => [index('verification_codes_account_idx').on(t.accountId, t.createdAt)],
);
