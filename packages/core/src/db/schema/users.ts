import { boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const teams = pgTable(
  'teams',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /**
     * Where hard bounces, complaints and the soft-bounce limit on this team's messages list the address:
     * `system` (every team stops mailing it) or `team` (only this team does).
     */
    suppressionScope: text('suppression_scope', { enum: ['system', 'team'] })
      .notNull()
      .default('system'),
  },
  (t) => [uniqueIndex('teams_name_uq').on(t.name)],
);

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['admin', 'team_admin', 'viewer'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Set while the user is locked out: no sign-in, no session, none of the tokens they created works. */
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
    /** After an admin's password reset: the user's session can do nothing but choose a new password. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    /** The name on mail this user sends without a From (null: their name). */
    displayName: text('display_name'),
    /** The address mail this user sends without a From goes out as, if the account may send as it. */
    sendingAddress: text('sending_address'),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email)],
);

export const userTeams = pgTable(
  'user_teams',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.teamId] })],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie value: a stolen database gives no usable session. */
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'team_admin', 'viewer'] }).notNull(),
    teamIds: text('team_ids').array().notNull().default([]),
    /** First characters of the token, shown in lists so an admin can tell tokens apart. */
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** Who created it, as shown in lists (an email, `token:<name>`); kept readable after the user is deleted. */
    createdBy: text('created_by'),
    /**
     * The user the token stands for (its creator, or the creator of the token that created it): the token
     * works only while that user is enabled. Null for tokens made by Mailroom itself.
     */
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);
