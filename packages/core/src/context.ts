import type { Db } from './db/client';
import { createLogWriter } from './logs/writeLog';
import type { Outbox } from './outbox/outbox';
import type { ProviderInput } from './providers/schema';
import type { Role } from './schemas/auth';
import type { LogLevel, LogSource } from './schemas/logs';
import type { SecretBox } from './security/secretBox';

/** Who is acting: a signed-in user, an API token, or Mailroom itself (worker, pollers, start-up). */
export type Actor = {
  userId: string | null;
  /** Shown in timelines and logs: the user's email, `token:<name>`, or `system`. */
  label: string;
  role: Role;
  teamIds: string[];
  via: 'session' | 'token' | 'system';
  /** The API token acting (`via: 'token'`): two tokens may share a name (and so a label), never an id. */
  tokenId?: string | undefined;
  /**
   * The user's sending identity (display name, sending address) for sends that name no From: set for a
   * signed-in user and for a token that stands for a user, read with them (no query per send).
   */
  sender?: { name: string | null; address: string | null } | undefined;
};

export const systemActor: Actor = {
  userId: null,
  label: 'system',
  role: 'admin',
  teamIds: [],
  via: 'system',
};

export type Timeouts = {
  /** TCP connect (and TLS handshake for implicit TLS). */
  connectMs: number;
  /** From connect to the server's greeting. */
  greetingMs: number;
  /** Each protocol command and its reply. */
  commandMs: number;
};

/**
 * Days to keep each kind of row, 0 for forever: messages (with their attempts and bodies) by status from
 * when they were created, fetched mail from when it was fetched, Main Log rows, finished webhook deliveries.
 */
export type RetentionDays = {
  /** `sent` and `partially_sent`. */
  sentMessages: number;
  failedMessages: number;
  cancelledMessages: number;
  inbox: number;
  logs: number;
  webhookDeliveries: number;
};

export type CoreConfig = {
  /** Let outbound connections reach private, loopback and link-local addresses (the mock server on loopback). */
  allowPrivateHosts: boolean;
  timeouts: Timeouts;
  /** Days each kind of row is kept (0: forever); pruned in small batches by the retention job. */
  retention: RetentionDays;
  /**
   * The programs the sendmail transport may run, as absolute paths the operator listed
   * (`MAILROOM_SENDMAIL_PATHS`). Nothing else is ever executed.
   */
  sendmailPaths: readonly string[];
  /**
   * Soft bounces in a row (no delivery between them) that put an address on the suppression list
   * (`MAILROOM_SOFT_BOUNCE_LIMIT`, default 3).
   */
  softBounceLimit: number;
  /**
   * Catalogue entries added to the built-in providers (the quick start's mock OAuth2 provider, whose
   * endpoints exist only while it runs); an entry with a built-in id replaces it.
   */
  providers?: readonly ProviderInput[];
  /** DNS servers for MX, SRV and TXT lookups (`MAILROOM_DNS_SERVERS`, `host` or `host:port`); the system's by default. */
  dnsServers?: readonly string[];
};

export const defaultCoreConfig: CoreConfig = {
  allowPrivateHosts: false,
  timeouts: { connectMs: 5000, greetingMs: 10000, commandMs: 15000 },
  retention: {
    sentMessages: 30,
    failedMessages: 90,
    cancelledMessages: 30,
    inbox: 90,
    logs: 30,
    webhookDeliveries: 30,
  },
  sendmailPaths: ['/usr/sbin/sendmail'],
  softBounceLimit: 3,
};

export type LogInput = {
  source: LogSource;
  level: LogLevel;
  message: string;
  accountId?: string | null | undefined;
  context?: Record<string, unknown> | undefined;
};

/** Appends rows to the Main Log; callers redact before writing, the writer masks secret-looking keys again. */
export type LogWriter = (entry: LogInput) => Promise<void>;

/** What every core verb receives besides its input. */
export type Ctx = {
  db: Db;
  secrets: SecretBox;
  actor: Actor;
  config: CoreConfig;
  now: () => Date;
  log: LogWriter;
  /**
   * The outbox of this process and database (batchers, wake-up, handoff, SMTP pools): created at
   * start, shared by every context, closed at stop.
   */
  outbox: Outbox;
};

export type CtxBase = Omit<Ctx, 'actor' | 'log' | 'now'> & { now?: () => Date };

/** Builds the context a verb runs in, for one actor (a request's user, or the system). */
export function createContext(base: CtxBase, actor: Actor): Ctx {
  return {
    db: base.db,
    secrets: base.secrets,
    config: base.config,
    outbox: base.outbox,
    now: base.now ?? (() => new Date()),
    actor,
    log: createLogWriter(base.db, () => actor),
  };
}
