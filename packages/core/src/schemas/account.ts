import { z } from 'zod';
import {
  type ParsedOf,
  type SettingsOf,
  type StoredOf,
  settingsOf,
  type TransportKind,
  transportCatalog,
  transportKinds,
  type ViewOf,
} from '../transports/catalog';
import { headerSafe, hostname, id, isoDate, port, teamScopeParam } from './common';
import {
  type AuthSecretField,
  type AuthStored,
  authInputSchema,
  authSecretFields,
  authViewSchema,
  securitySchema,
} from './parts';

export {
  isTransportKind,
  settingsOf,
  type TransportKind,
  transportCatalog,
  transportKinds,
} from '../transports/catalog';
export type { FieldSpec, Summary, SummaryRow } from '../transports/types';
export * from './parts';

export const stages = ['active', 'inactive', 'deleted'] as const;
export const purposes = ['system', 'campaigns', 'customer_service'] as const;
export const healthStates = ['unknown', 'ok', 'degraded', 'failing', 'auth_failed'] as const;
export const directions = ['outgoing', 'incoming'] as const;

export const stageSchema = z.enum(stages);
export const purposeSchema = z.enum(purposes);
export const healthSchema = z.enum(healthStates);
export const directionSchema = z.enum(directions);

export type Stage = z.infer<typeof stageSchema>;
export type Purpose = z.infer<typeof purposeSchema>;
export type Health = z.infer<typeof healthSchema>;
export type Direction = z.infer<typeof directionSchema>;

/** The list with its first element known to be there (what a zod union takes). */
function nonEmpty<T>(list: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = list;
  if (first === undefined) throw new Error('the transport catalog is empty');
  return [first, ...rest];
}
const modules = transportKinds.map((kind) => settingsOf(kind));

/** An outgoing part: one of the catalog's transports, chosen by `transport`. */
export const outgoingInputSchema = z.discriminatedUnion(
  'transport',
  nonEmpty(Object.values(transportCatalog).map((m) => m.input)),
);

/**
 * Where each secret lives in an account document; the only fields that are encrypted and never returned.
 * The outgoing ones come from the transports' own lists.
 */
export const secretPaths: readonly string[] = [
  ...new Set([
    ...modules.flatMap((m) => m.secretFields.map((f: string) => `outgoing.${f}`)),
    // DKIM signing is common to the transports that sign (dkim/settings.ts).
    'outgoing.dkim.privateKey',
    ...authSecretFields.map((f) => `incoming.${f}`),
  ]),
];
export type SecretPath = `outgoing.${string}` | `incoming.${AuthSecretField}`;

export const incomingInputSchema = z
  .object({
    protocol: z.enum(['imap', 'pop3']),
    host: hostname,
    port: port.optional(),
    security: securitySchema.default('tls'),
    allowInvalidCertificates: z.boolean().default(false),
    auth: authInputSchema,
    mailbox: headerSafe(255).min(1).default('INBOX'),
    pollIntervalSec: z.number().int().min(10, 'must be at least 10 seconds').max(86400).default(60),
    afterFetch: z.enum(['keep', 'mark_seen', 'delete']).default('keep'),
    enabled: z.boolean().default(true),
    /**
     * A bounce mailbox: what it fetches is classified first; bounces and complaints update the recipients
     * of the messages they belong to, auto-replies are kept as such, other mail goes to the inbox.
     */
    bounceMailbox: z.boolean().optional(),
  })
  .superRefine((i, ctx) => {
    // POP3 has no flags: "mark as read" would silently act as "keep", which the account would not say.
    if (i.protocol === 'pop3' && i.afterFetch === 'mark_seen') {
      ctx.addIssue({
        code: 'custom',
        path: ['afterFetch'],
        message: 'POP3 cannot mark messages as read (it has no flags): choose keep or delete',
      });
    }
  });

const accountFields = {
  name: headerSafe(120).trim().min(1, 'is required'),
  label: headerSafe(200).optional(),
  purpose: purposeSchema.default('system'),
  teamId: id.nullable().default(null),
  debug: z.boolean().default(false),
};

/**
 * A finished OAuth2 sign-in (`POST /oauth/authorizations`, code or device flow, started without an
 * account) that connects the account: its OAuth2 parts take the signed-in address as username, the
 * token endpoint, client id, refresh token and client secret from it. This actor's, unused, finished
 * less than an hour ago; used once.
 */
const oauthAuthorizationId = id
  .optional()
  .describe(
    'A finished OAuth2 sign-in of yours (POST /oauth/authorizations with flow "code" or "device", without accountId, status connected, less than an hour old, not used yet). Every part with auth method oauth2 takes from it the connected address as username, the token endpoint as tokenUrl, the client id, the refresh token and the client secret (stored encrypted): refreshToken need not be given. Used once.',
  );

export const accountInputSchema = z
  .object({
    ...accountFields,
    outgoing: outgoingInputSchema.nullable().optional(),
    incoming: incomingInputSchema.nullable().optional(),
    oauthAuthorizationId,
  })
  .superRefine((a, ctx) => {
    if (!a.outgoing && !a.incoming) {
      ctx.addIssue({
        code: 'custom',
        path: ['outgoing'],
        message: 'an account needs an outgoing or an incoming part',
      });
    }
  });
export type AccountInput = z.input<typeof accountInputSchema>;
export type AccountParsed = z.output<typeof accountInputSchema>;
export type OutgoingParsed = z.output<typeof outgoingInputSchema>;
export type IncomingParsed = z.output<typeof incomingInputSchema>;
/** An outgoing part as a transport connects with it: secrets in clear, computed defaults filled. */
export type OutgoingSettings = SettingsOf<TransportKind>;
/** An outgoing part as the `accounts.outgoing` column holds it: no secrets. */
export type OutgoingStored = StoredOf<TransportKind>;
/** An incoming part as a session connects with it: secrets in clear, the port filled. */
export type IncomingSettings = IncomingParsed & { port: number };
/** An incoming part as the `accounts.incoming` column holds it: no secrets. */
export type IncomingStored = Omit<IncomingSettings, 'auth'> & { auth: AuthStored };
export type { ParsedOf, SettingsOf, StoredOf, ViewOf };

/**
 * PATCH body: every top-level field optional; `outgoing`/`incoming` are merged into the stored
 * part (so `{outgoing: {port: 2525}}` changes one field), `null` removes the part.
 */
export const accountPatchSchema = z
  .object({
    name: accountFields.name.optional(),
    label: headerSafe(200).nullable().optional(),
    purpose: purposeSchema.optional(),
    teamId: id.nullable().optional(),
    debug: z.boolean().optional(),
    outgoing: z.record(z.string(), z.unknown()).nullable().optional(),
    incoming: z.record(z.string(), z.unknown()).nullable().optional(),
    oauthAuthorizationId,
  })
  .strict();
export type AccountPatch = z.infer<typeof accountPatchSchema>;

// ---- responses: secrets replaced by has* flags ----
export const outgoingViewSchema = z.discriminatedUnion(
  'transport',
  nonEmpty(Object.values(transportCatalog).map((m) => m.view)),
);
export const incomingViewSchema = z.object({
  protocol: z.enum(['imap', 'pop3']),
  host: z.string(),
  port: z.number(),
  security: securitySchema,
  allowInvalidCertificates: z.boolean(),
  auth: authViewSchema,
  mailbox: z.string(),
  pollIntervalSec: z.number(),
  afterFetch: z.enum(['keep', 'mark_seen', 'delete']),
  enabled: z.boolean(),
  bounceMailbox: z.boolean(),
});

export const lastTestSchema = z.object({
  direction: directionSchema,
  ok: z.boolean(),
  at: isoDate,
  durationMs: z.number(),
  errorCode: z.string().optional(),
  message: z.string().optional(),
  detail: z
    .string()
    .optional()
    .describe(
      "The library's own words behind `message`, verbatim and redacted (an OpenSSL line of a failed TLS handshake): technical detail.",
    ),
});

/** One direction's health, from its latest evidence (a test, a send or a fetch); `since` is when it became so. */
export const healthPartSchema = z.object({
  health: healthSchema,
  reason: z.string().nullable(),
  since: isoDate,
});
export type HealthPart = z.infer<typeof healthPartSchema>;
/** The account's health per direction; the account's `health` is the worst of them. */
export type HealthParts = Partial<Record<Direction, HealthPart>>;

/** The last successful or failed send or fetch of an account: when, the failure's class, the server's words. */
export const trafficFactSchema = z.object({
  at: isoDate,
  /** The failure's class (auth, refused, timeout …); null for a success. */
  errorCode: z.string().nullable(),
  responseCode: z.number().nullable(),
  /** What the server answered (redacted of the account's secrets), when it answered. */
  reply: z.string().nullable(),
  /** What happened, in a sentence. */
  summary: z.string(),
  detail: z
    .string()
    .optional()
    .describe(
      "The library's own words behind `summary`, verbatim and redacted (an OpenSSL line of a failed TLS handshake): technical detail.",
    ),
  /** Sends: the message of the attempt. */
  messageId: z.string().nullable(),
});
export type TrafficFact = z.infer<typeof trafficFactSchema>;

/** Real traffic of one direction: its health, the last success and failure, and how it is held back. */
export const trafficViewSchema = z.object({
  health: healthPartSchema.nullable(),
  lastOk: trafficFactSchema.nullable(),
  lastFailed: trafficFactSchema.nullable(),
  /** Consecutive account-level failures (sends: the circuit breaker's streak; fetches: failed polls). */
  failuresInARow: z.number(),
  /** Sends: paused by the circuit breaker until then. */
  pausedUntil: isoDate.nullable(),
  /** Fetches: when the poller fetches next (later than the interval while it backs off). */
  nextPollAt: isoDate.nullable(),
});
export type TrafficView = z.infer<typeof trafficViewSchema>;

export const accountViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  label: z.string().nullable(),
  purpose: purposeSchema,
  teamId: z.string().nullable(),
  stage: stageSchema,
  stageReason: z.string().nullable(),
  health: healthSchema,
  healthReason: z.string().nullable(),
  debug: z.boolean(),
  outgoing: outgoingViewSchema.nullable(),
  incoming: incomingViewSchema.nullable(),
  lastTest: z.record(z.string(), lastTestSchema).default({}),
  /** Sends through the outgoing part (null without one). */
  sending: trafficViewSchema.nullable(),
  /** Fetches of the incoming part (null without one). */
  fetching: trafficViewSchema.nullable(),
  defaults: z.array(z.object({ teamId: z.string().nullable(), direction: directionSchema })),
  createdAt: isoDate,
  createdBy: z.string().nullable(),
  updatedAt: isoDate,
  updatedBy: z.string().nullable(),
});
export type AccountView = z.infer<typeof accountViewSchema>;
export type OutgoingView = z.infer<typeof outgoingViewSchema>;
export type IncomingView = z.infer<typeof incomingViewSchema>;

export const accountListQuerySchema = z.object({
  stage: z.union([stageSchema, z.literal('all')]).optional(),
  teamId: teamScopeParam,
  q: z.string().max(200).optional(),
  direction: directionSchema.optional(),
  health: healthSchema.optional(),
  sort: z
    .enum([
      'name',
      '-name',
      'updatedAt',
      '-updatedAt',
      'createdAt',
      '-createdAt',
      'stage',
      '-stage',
      'health',
      '-health',
    ])
    .default('name'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type AccountListQuery = z.input<typeof accountListQuerySchema>;

/** Allowed stage moves: active <-> inactive, any -> deleted, deleted -> inactive (restore). */
export const stageTransitions: Record<Stage, readonly Stage[]> = {
  active: ['inactive', 'deleted'],
  inactive: ['active', 'deleted'],
  deleted: ['inactive'],
};

export const stageChangeSchema = z.object({
  stage: stageSchema,
  reason: headerSafe(500).optional(),
});

export const commentInputSchema = z.object({ body: z.string().trim().min(1, 'is required').max(10000) });
export const commentSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  body: z.string(),
  at: isoDate,
  author: z.string().nullable(),
});
export type Comment = z.infer<typeof commentSchema>;

export const timelineEventSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  at: isoDate,
  actor: z.string().nullable(),
  type: z.string(),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;
