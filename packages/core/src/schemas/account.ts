import { z } from 'zod';
import { domainName, emailAddress, headerSafe, hostname, id, isoDate, port } from './common';

export const stages = ['active', 'inactive', 'deleted'] as const;
export const purposes = ['system', 'campaigns', 'customer_service'] as const;
export const healthStates = ['unknown', 'ok', 'degraded', 'failing', 'auth_failed'] as const;
export const securityModes = ['none', 'starttls', 'tls'] as const;
export const directions = ['outgoing', 'incoming'] as const;

export const stageSchema = z.enum(stages);
export const purposeSchema = z.enum(purposes);
export const healthSchema = z.enum(healthStates);
export const securitySchema = z.enum(securityModes);
export const directionSchema = z.enum(directions);

export type Stage = z.infer<typeof stageSchema>;
export type Purpose = z.infer<typeof purposeSchema>;
export type Health = z.infer<typeof healthSchema>;
export type Security = z.infer<typeof securitySchema>;
export type Direction = z.infer<typeof directionSchema>;

/** Port an SMTP client uses for each security mode when none is given. */
export const smtpDefaultPorts: Record<Security, number> = { none: 25, starttls: 587, tls: 465 };
export const imapDefaultPorts: Record<Security, number> = { none: 143, starttls: 143, tls: 993 };
export const pop3DefaultPorts: Record<Security, number> = { none: 110, starttls: 110, tls: 995 };

/** Where each secret lives in an account document; the only fields that are encrypted and never returned. */
export const secretPaths = [
  'outgoing.auth.password',
  'outgoing.auth.clientSecret',
  'outgoing.auth.refreshToken',
  'outgoing.apiKey',
  'incoming.auth.password',
  'incoming.auth.clientSecret',
  'incoming.auth.refreshToken',
] as const;
export type SecretPath = (typeof secretPaths)[number];

// ---- secrets on input: string = set/replace, null = clear, omitted = keep (on PATCH) ----
const secretInput = z.string().min(1, 'must not be empty').max(4096).nullable().optional();

const username = headerSafe(320);

export const authInputSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('none') }),
  z.object({
    method: z.literal('password'),
    username: username.min(1, 'is required'),
    password: secretInput,
  }),
  z.object({
    method: z.literal('oauth2'),
    username: username.min(1, 'is required'),
    clientId: headerSafe(512).min(1, 'is required'),
    clientSecret: secretInput,
    refreshToken: secretInput,
    tokenUrl: z
      .url({ message: 'must be a URL' })
      .refine(
        (u) => u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//.test(u),
        {
          message: 'must be an https:// URL (http only on loopback)',
        },
      ),
  }),
]);

export const fromSchema = z.object({
  address: emailAddress,
  name: headerSafe(200).optional(),
});

/** An entry of fromFilter: a full address (sales@example.com) or a domain (example.com or @example.com). */
export const fromFilterEntry = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => emailAddress.safeParse(s).success || domainName.safeParse(s.replace(/^@/, '')).success, {
    message: 'must be an email address or a domain',
  });

const sendModeSchema = z.enum(['immediate', 'queued']);

const outgoingCommon = {
  from: fromSchema,
  replyTo: emailAddress.optional(),
  fromFilter: z.array(fromFilterEntry).max(200).default([]),
  sendMode: sendModeSchema.default('queued'),
  /** Per-account send rate limit, messages per minute; 0 = unlimited. */
  rateLimitPerMinute: z.number().int().min(0).max(100000).default(0),
};

export const smtpOutgoingInput = z.object({
  transport: z.literal('smtp'),
  host: hostname,
  port: port.optional(),
  security: securitySchema.default('starttls'),
  allowInvalidCertificates: z.boolean().default(false),
  auth: authInputSchema.default({ method: 'none' }),
  ...outgoingCommon,
});
export const sendmailOutgoingInput = z.object({
  transport: z.literal('sendmail'),
  path: z
    .string()
    .min(1)
    .max(1024)
    .refine((s) => s.startsWith('/') && !/[\r\n\0]/.test(s), { message: 'must be an absolute path' })
    .default('/usr/sbin/sendmail'),
  ...outgoingCommon,
});
export const mailgunOutgoingInput = z.object({
  transport: z.literal('mailgun'),
  domain: domainName,
  apiKey: secretInput,
  baseUrl: z.url({ message: 'must be a URL' }).default('https://api.mailgun.net'),
  ...outgoingCommon,
});

export const outgoingInputSchema = z.discriminatedUnion('transport', [
  smtpOutgoingInput,
  sendmailOutgoingInput,
  mailgunOutgoingInput,
]);

export const incomingInputSchema = z.object({
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
});

const accountFields = {
  name: headerSafe(120).trim().min(1, 'is required'),
  label: headerSafe(200).optional(),
  purpose: purposeSchema.default('system'),
  teamId: id.nullable().default(null),
  debug: z.boolean().default(false),
};

export const accountInputSchema = z
  .object({
    ...accountFields,
    outgoing: outgoingInputSchema.nullable().optional(),
    incoming: incomingInputSchema.nullable().optional(),
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
export type AuthParsed = z.output<typeof authInputSchema>;

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
  })
  .strict();
export type AccountPatch = z.infer<typeof accountPatchSchema>;

// ---- responses: secrets replaced by has* flags ----
export const authViewSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('none') }),
  z.object({ method: z.literal('password'), username: z.string(), hasPassword: z.boolean() }),
  z.object({
    method: z.literal('oauth2'),
    username: z.string(),
    clientId: z.string(),
    tokenUrl: z.string(),
    hasClientSecret: z.boolean(),
    hasToken: z.boolean(),
  }),
]);

const outgoingViewCommon = {
  from: fromSchema,
  replyTo: z.string().optional(),
  fromFilter: z.array(z.string()),
  sendMode: sendModeSchema,
  rateLimitPerMinute: z.number(),
  verifiedAt: isoDate.nullable(),
};
export const outgoingViewSchema = z.discriminatedUnion('transport', [
  z.object({
    transport: z.literal('smtp'),
    host: z.string(),
    port: z.number(),
    security: securitySchema,
    allowInvalidCertificates: z.boolean(),
    auth: authViewSchema,
    ...outgoingViewCommon,
  }),
  z.object({ transport: z.literal('sendmail'), path: z.string(), ...outgoingViewCommon }),
  z.object({
    transport: z.literal('mailgun'),
    domain: z.string(),
    baseUrl: z.string(),
    hasApiKey: z.boolean(),
    ...outgoingViewCommon,
  }),
]);
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
});

export const lastTestSchema = z.object({
  direction: directionSchema,
  ok: z.boolean(),
  at: isoDate,
  durationMs: z.number(),
  errorCode: z.string().optional(),
  message: z.string().optional(),
});

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
  teamId: z.string().optional(),
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
