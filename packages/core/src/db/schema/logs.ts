import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const logs = pgTable(
  'logs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    source: text('source').notNull(),
    level: text('level', { enum: ['debug', 'info', 'warning', 'error'] }).notNull(),
    message: text('message').notNull(),
    accountId: text('account_id'),
    actor: text('actor'),
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    // The Main Log pages newest first by (at, id): one index per field filter.
    index('logs_at_idx').on(t.at, t.id),
    index('logs_account_at_idx').on(t.accountId, t.at, t.id),
    index('logs_source_at_idx').on(t.source, t.at, t.id),
    index('logs_level_at_idx').on(t.level, t.at, t.id),
  ],
);
