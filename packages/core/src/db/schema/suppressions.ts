import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Addresses Mailroom does not send to: for the whole system (`teamId` null) or for one team's sends.
 * Added by a hard bounce, a complaint, soft bounces in a row, a person, or a CSV import.
 */
export const suppressions = pgTable(
  'suppressions',
  {
    id: text('id').primaryKey(),
    /** Lower-case. */
    address: text('address').notNull(),
    teamId: text('team_id'),
    reason: text('reason', {
      enum: ['hard_bounce', 'complaint', 'soft_bounce_limit', 'manual'],
    }).notNull(),
    /** Where it came from: a message's bounce or complaint, an import, or a person. */
    source: text('source', { enum: ['message', 'import', 'manual'] }).notNull(),
    /** The message whose bounce or complaint added it. */
    messageId: text('message_id'),
    /** The status and diagnostic of the bounce, or a person's note. */
    detail: text('detail'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: text('created_by'),
  },
  (t) => [
    uniqueIndex('suppressions_system_uq').on(t.address).where(sql`${t.teamId} is null`),
    uniqueIndex('suppressions_team_uq').on(t.teamId, t.address).where(sql`${t.teamId} is not null`),
    index('suppressions_created_idx').on(t.createdAt),
  ],
);
