import { posix } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const days = z.coerce.number().int().min(0).max(36500);

/** Every setting Mailroom reads from the environment; parsed once here, nowhere else reads process.env. */
export const envSchema = z.object({
  MAILROOM_HOST: z.string().default('127.0.0.1'),
  MAILROOM_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  MAILROOM_PUBLIC_URL: z.url().optional(),
  MAILROOM_DATA_DIR: z.string().default('./data'),
  MAILROOM_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  MAILROOM_DATABASE_POOL: z.coerce.number().int().min(1).max(200).default(10),
  MAILROOM_SECRET_KEY: z.string().optional(),
  MAILROOM_ADMIN_EMAIL: z.email().optional(),
  MAILROOM_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  MAILROOM_ALLOW_PRIVATE_HOSTS: bool.optional(),
  MAILROOM_MOCK_MAILSERVER: bool.optional(),
  MAILROOM_MOCK_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(1025),
  MAILROOM_MOCK_SMTPS_PORT: z.coerce.number().int().min(0).max(65535).default(1465),
  MAILROOM_MOCK_POP3_PORT: z.coerce.number().int().min(0).max(65535).default(1110),
  /** The quick start mock's IMAP (STARTTLS) and IMAPS (implicit TLS). */
  MAILROOM_MOCK_IMAP_PORT: z.coerce.number().int().min(0).max(65535).default(1143),
  MAILROOM_MOCK_IMAPS_PORT: z.coerce.number().int().min(0).max(65535).default(1993),
  MAILROOM_MOCK_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8025),
  MAILROOM_WORKER: bool.default(true),
  /** Run SMTP pools (nodemailer's MIME and SMTP work) in a delivery thread beside the main thread. */
  MAILROOM_DELIVERY_THREAD: bool.default(true),
  MAILROOM_POLLER: bool.default(true),
  /** Messages one worker keeps in flight at once. */
  MAILROOM_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(100),
  /** Longest pause between queue polls (in-process sends wake the worker at once). */
  MAILROOM_WORKER_POLL_MS: z.coerce.number().int().min(10).max(60000).default(500),
  /** How long a claimed message stays leased before another worker may take it over. */
  MAILROOM_WORKER_LEASE_MS: z.coerce.number().int().min(1000).max(3600000).default(300000),
  /**
   * On Postgres: a worker (or poller, or API process) whose heartbeat is older than this is dead, and any
   * live process releases its leases at once instead of after the lease time. The embedded database
   * releases every lease at start-up (only one process can open it).
   */
  MAILROOM_WORKER_GRACE_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** Attempts before a message that keeps failing temporarily is given up (failed). */
  MAILROOM_OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  /** Age after which a deferred message is given up, whatever its attempt count. */
  MAILROOM_OUTBOX_GIVE_UP_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(72),
  /** Days to keep each kind of row; 0 keeps it forever. Pruned in small batches (docs/RETENTION.md). */
  MAILROOM_LOG_RETENTION_DAYS: days.default(30),
  /** Sent and partially sent messages, with their attempts and bodies, from when they were created. */
  MAILROOM_RETENTION_SENT_DAYS: days.default(30),
  MAILROOM_RETENTION_FAILED_DAYS: days.default(90),
  MAILROOM_RETENTION_CANCELLED_DAYS: days.default(30),
  /** Fetched mail, from when it was fetched. */
  MAILROOM_RETENTION_INBOX_DAYS: days.default(90),
  /** Webhook deliveries delivered or given up, from when they finished. */
  MAILROOM_RETENTION_WEBHOOK_DAYS: days.default(30),
  /** How often retention runs (it also runs at start). */
  MAILROOM_RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10080).default(60),
  /** Rows per DELETE: each batch is one short statement, so the queue never waits for retention. */
  MAILROOM_RETENTION_BATCH: z.coerce.number().int().min(10).max(100000).default(1000),
  MAILROOM_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(5000),
  MAILROOM_GREETING_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
  MAILROOM_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(300000).default(15000),
  MAILROOM_COOKIE_SECURE: bool.optional(),
  /** Behind a reverse proxy you run: take the client address from X-Forwarded-For (login rate limit). */
  MAILROOM_TRUST_PROXY: bool.default(false),
  MAILROOM_WEB_DIST: z.string().optional(),
  /**
   * The programs the sendmail transport may run: absolute paths, separated by commas. Nothing else is
   * executed, whatever an account says. Empty: the sendmail transport runs nothing.
   */
  MAILROOM_SENDMAIL_PATHS: z
    .string()
    .default('/usr/sbin/sendmail')
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .refine((paths) => paths.every((p) => p.startsWith('/') && posix.normalize(p) === p), {
      message: 'must be absolute paths (no . or ..), separated by commas',
    }),
  /**
   * Soft bounces in a row (no delivery between them) that put an address on the suppression list;
   * 0 never suppresses for soft bounces. Hard bounces and complaints suppress at once.
   */
  MAILROOM_SOFT_BOUNCE_LIMIT: z.coerce.number().int().min(0).max(100).default(3),
  /**
   * Name servers for the MX, SRV and TXT lookups of settings discovery and the deliverability check:
   * `host` or `host:port` (IPv6 as `[::1]:53`), separated by commas. Empty: the system's resolvers.
   */
  MAILROOM_DNS_SERVERS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (servers) =>
        servers.every((s) => /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])(:\d{1,5})?$|^[0-9a-f:]+$/i.test(s)),
      {
        message: 'must be IP addresses, optionally with :port, separated by commas',
      },
    ),
});
export type Env = z.infer<typeof envSchema>;

/** Parses the environment (never skipped); a bad value stops start-up with the variable's name. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const r = envSchema.safeParse(source);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return r.data;
}
