import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Connection tests of unsaved settings (the form's Test before the first Save), kept briefly so the account
 * created with exactly those settings starts from the result. Keyed by a hash of the settings without their
 * secrets; the secrets are kept encrypted, to be compared on create, and never in clear or as a fast hash.
 */
export const connectionTestRecords = pgTable(
  'connection_test_records',
  {
    id: text('id').primaryKey(),
    /** Who ran the test (`session:<userId>`, `token:<label>`): only they can count it. */
    actor: text('actor').notNull(),
    direction: text('direction', { enum: ['outgoing', 'incoming'] }).notNull(),
    /** sha256 of the settings as they would be stored (no secrets), in a canonical order. */
    settingsHash: text('settings_hash').notNull(),
    /** The settings' secrets in a canonical order, encrypted with the secret key. */
    secrets: text('secrets').notNull(),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('connection_test_records_lookup_idx').on(t.actor, t.settingsHash)],
);
