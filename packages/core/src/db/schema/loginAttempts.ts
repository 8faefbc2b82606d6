import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Sign-in throttling counters, one row per client address and per account (email), shared by every
 * API process on the database. Keys are sha256 digests: people sometimes type a password into the
 * email field, and the table must not keep it.
 */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    kind: text('kind', { enum: ['address', 'account'] }).notNull(),
    keyHash: text('key_hash').notNull(),
    /** When the first failure of the current window was counted; a window ends LOGIN_WINDOW_MS later. */
    windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
    failures: integer('failures').notNull().default(0),
    /** Addresses only: sign-ins from it are refused until then. */
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.kind, t.keyHash] }), index('login_attempts_window_idx').on(t.windowStart)],
);
