import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';

/** The endpoints an OAuth2 authorization talks to (typed in, or from a provider id). */
export type OAuthEndpointsStored = {
  authorizationEndpoint?: string | undefined;
  tokenEndpoint: string;
  deviceAuthorizationEndpoint?: string | undefined;
  userinfoEndpoint?: string | undefined;
  scopes: string[];
};

/**
 * One OAuth2 connect (authorization code with PKCE, or the device grant) from its start to its result.
 * The `state` is kept only as a SHA-256 (looked up on the callback, cleared once used); the PKCE verifier,
 * device code, client secret and the refresh token obtained live in `secrets`, encrypted.
 */
export const oauthAuthorizations = pgTable(
  'oauth_authorizations',
  {
    id: text('id').primaryKey(),
    flow: text('flow', { enum: ['code', 'device'] }).notNull(),
    status: text('status', { enum: ['pending', 'connected', 'denied', 'expired', 'error'] })
      .notNull()
      .default('pending'),
    /** The account to connect (a reconnect); null: kept for an account created with `authorizationId`. */
    accountId: text('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    provider: text('provider'),
    clientId: text('client_id').notNull(),
    endpoints: jsonb('endpoints').$type<OAuthEndpointsStored>().notNull(),
    /** SHA-256 (hex) of the state; null once the callback used it. */
    stateHash: text('state_hash'),
    redirectUri: text('redirect_uri'),
    /** Encrypted: clientSecret, verifier, deviceCode, refreshToken. */
    secrets: jsonb('secrets').$type<Record<string, string>>().notNull().default({}),
    /** Device flow: seconds between polls (grows by 5 on slow_down). */
    interval: integer('interval'),
    identity: text('identity'),
    error: text('error'),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: text('created_by'),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    /** Set when an account was created or updated with it: it connects one account, once. */
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('oauth_authorizations_state_uq').on(t.stateHash),
    index('oauth_authorizations_account_idx').on(t.accountId),
  ],
);
