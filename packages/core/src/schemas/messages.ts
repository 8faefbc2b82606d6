import { z } from 'zod';
import { base64Content, cursorParam, emailAddress, headerSafe, teamScopeParam } from './common';
import { routeReasonSchema, sendAsSchema } from './defaults';

/**
 * `partially_sent`: some recipients accepted it and the others were finally refused (a 5xx, or given up
 * after retries); nothing is left to try. `sent`: every recipient accepted it.
 */
export const messageStatuses = [
  'queued',
  'sending',
  'sent',
  'partially_sent',
  'deferred',
  'failed',
  'cancelled',
] as const;
export const messageStatusSchema = z.enum(messageStatuses);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,76}$/, 'must be a valid header name');

/**
 * Headers Mailroom writes itself, from the message's own fields, its MIME structure or the servers on
 * the way: a custom copy would give the mail two of them (which one a reader trusts differs) or pass off
 * a sender, envelope or signature the send-as checks never saw.
 */
const reservedHeaders = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'message-id',
  'mime-version',
  'return-path',
  'received',
  'dkim-signature',
  'domainkey-signature',
  'received-spf',
  'authentication-results',
]);
const reservedPrefixes = ['content-', 'resent-', 'arc-'];
export function isReservedHeader(name: string): boolean {
  const n = name.toLowerCase();
  return reservedHeaders.has(n) || reservedPrefixes.some((p) => n.startsWith(p));
}

/** Extra headers of a send (X-…, List-Unsubscribe, In-Reply-To …); reserved ones are refused by name. */
const customHeaders = z
  .record(headerName, headerSafe(998))
  .default({})
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (isReservedHeader(name))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'cannot be set as a custom header: Mailroom writes it from the message itself',
        });
    }
  });

export const attachmentSchema = z.object({
  filename: headerSafe(255).min(1),
  contentType: headerSafe(255).default('application/octet-stream'),
  contentBase64: base64Content,
});

export const messageInputSchema = z
  .object({
    accountId: z.string().optional(),
    teamId: z
      .string()
      .nullable()
      .optional()
      .describe(
        "The team the message is for (routing and who reads it). Without it: the account's team, else the sending team admin's or team token's only team; one of several teams must name it.",
      ),
    from: z.object({ address: emailAddress, name: headerSafe(200).optional() }).optional(),
    to: z.array(emailAddress).min(1, 'needs at least one recipient').max(500),
    cc: z.array(emailAddress).max(500).default([]),
    bcc: z.array(emailAddress).max(500).default([]),
    replyTo: emailAddress.optional(),
    subject: headerSafe(998),
    text: z.string().max(5_000_000).optional(),
    html: z.string().max(10_000_000).optional(),
    attachments: z.array(attachmentSchema).max(50).default([]),
    headers: customHeaders,
    mode: z.enum(['immediate', 'queued']).optional(),
  })
  .refine((m) => m.text !== undefined || m.html !== undefined, {
    path: ['text'],
    message: 'text or html is required',
  });
export type MessageInput = z.input<typeof messageInputSchema>;
/** A message input that already passed `messageInputSchema` (the API validates it once, on the way in). */
export type ParsedMessageInput = z.output<typeof messageInputSchema>;

export const attemptSchema = z.object({
  at: z.string(),
  durationMs: z.number(),
  ok: z.boolean(),
  reply: z.string().nullable(),
  /** The error class (`rejected`, `timeout`, `auth` …) when the attempt failed. */
  errorCode: z.string().nullable(),
  responseCode: z.number().nullable().optional(),
  worker: z.string().nullable().optional(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const messageErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  reply: z.string().optional(),
  responseCode: z.number().optional(),
  /** The library's own words behind `message`, verbatim (an OpenSSL line of a failed TLS handshake). */
  detail: z.string().optional(),
});

/**
 * A recipient's state. Before and at the 250: `pending`, `accepted`, `rejected` (refused for good),
 * `deferred` (to retry). After it: `delivered` (a DSN said so), `bounced` (hard: permanent 5.x.x; soft:
 * 4.x.x or delayed), `complained` (the recipient reported it as spam). `suppressed`: not sent, the address
 * is on the suppression list.
 */
export const recipientStatuses = [
  'pending',
  'accepted',
  'rejected',
  'deferred',
  'delivered',
  'bounced',
  'complained',
  'suppressed',
] as const;
export type RecipientStatus = (typeof recipientStatuses)[number];
export const bounceKinds = ['hard', 'soft', 'delayed'] as const;
export type BounceKind = (typeof bounceKinds)[number];

/** One step of a recipient's story after the 250 (or its suppression at the send). */
export const recipientEventSchema = z.object({
  state: z.enum(['delivered', 'bounced', 'complained', 'suppressed', 'auto_reply']),
  bounceKind: z.enum(bounceKinds).nullable(),
  /** The enhanced status code of the report (5.1.1). */
  status: z.string().nullable(),
  diagnostic: z.string().nullable(),
  reportingMta: z.string().nullable(),
  remoteMta: z.string().nullable(),
  /** How the report was tied to this message: its VERP token, the headers it returned, or the send itself. */
  correlation: z.enum(['verp', 'headers', 'send']),
  /** The fetched report in the bounce mailbox (`GET /inbox/:id`). */
  inboxMessageId: z.string().nullable(),
  at: z.string(),
});
export type RecipientEvent = z.infer<typeof recipientEventSchema>;

export const recipientResultSchema = z.object({
  address: z.string(),
  status: z.enum(recipientStatuses),
  /** The server's reply at the send, or why it was not sent (suppressed). */
  reply: z.string().nullable(),
  /** bounced: hard, soft or delayed. */
  bounceKind: z.enum(bounceKinds).optional(),
  /** After the 250: the report's enhanced status code, diagnostic, reporting server and when. */
  statusCode: z.string().optional(),
  diagnostic: z.string().optional(),
  reportingMta: z.string().optional(),
  at: z.string().optional(),
  /** suppressed: the list entry's reason (hard_bounce, complaint, soft_bounce_limit, manual). */
  suppression: z.object({ id: z.string(), reason: z.string(), teamId: z.string().nullable() }).optional(),
  /** The recipient's events after the 250, oldest first: only on `GET /messages/:id`. */
  events: z.array(recipientEventSchema).optional(),
});
export type RecipientResult = z.infer<typeof recipientResultSchema>;

export const messageViewSchema = z.object({
  id: z.string(),
  status: messageStatusSchema,
  accountId: z.string().nullable(),
  route: z.object({ reason: routeReasonSchema, explanation: z.string() }),
  from: z.object({ address: z.string(), name: z.string().optional() }),
  /** The Send-as decision that gave `from` (and a rewrite's Reply-To); null for messages stored before it was kept. */
  sendAs: sendAsSchema.nullable().optional(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  subject: z.string(),
  messageId: z.string().nullable(),
  attemptCount: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: messageErrorSchema.nullable(),
  recipients: z.array(recipientResultSchema),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  attempts: z.array(attemptSchema).optional(),
  mode: z.enum(['immediate', 'queued']).optional(),
  replyTo: z.string().nullable().optional(),
  bulkId: z.string().nullable().optional(),
  createdBy: z.string().nullable().optional(),
  updatedAt: z.string().optional(),
  /** Bodies and attachment metadata: only on `GET /messages/:id`. */
  text: z.string().nullable().optional(),
  html: z.string().nullable().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  attachments: z
    .array(z.object({ filename: z.string(), contentType: z.string(), size: z.number() }))
    .optional(),
});

/** `POST /messages/bulk`: one template, many recipients; `{{name}}` in subject, text and html takes each recipient's variables. */
const variableValue = headerSafe(2000);
export const bulkInputSchema = z
  .object({
    accountId: z.string().optional(),
    teamId: z.string().nullable().optional(),
    from: z.object({ address: emailAddress, name: headerSafe(200).optional() }).optional(),
    replyTo: emailAddress.optional(),
    subject: headerSafe(998),
    text: z.string().max(5_000_000).optional(),
    html: z.string().max(10_000_000).optional(),
    attachments: z.array(attachmentSchema).max(50).default([]),
    headers: customHeaders,
    recipients: z
      .array(
        z.object({
          to: emailAddress,
          cc: z.array(emailAddress).max(50).default([]),
          bcc: z.array(emailAddress).max(50).default([]),
          variables: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), variableValue).default({}),
        }),
      )
      .min(1, 'needs at least one recipient')
      .max(1000),
  })
  .refine((m) => m.text !== undefined || m.html !== undefined, {
    path: ['text'],
    message: 'text or html is required',
  });
export type BulkInput = z.input<typeof bulkInputSchema>;

export const bulkResultSchema = z.object({
  bulkId: z.string(),
  accountId: z.string(),
  route: z.object({ reason: routeReasonSchema, explanation: z.string() }),
  sendAs: sendAsSchema,
  count: z.number(),
  items: z.array(z.object({ id: z.string(), to: z.string(), status: messageStatusSchema })),
});
export type BulkResult = z.infer<typeof bulkResultSchema>;

export const messageListQuerySchema = z.object({
  /** One status or several, comma separated. */
  status: z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : undefined,
    )
    .pipe(z.array(messageStatusSchema).optional()),
  accountId: z.string().optional(),
  /** The messages of a team (their `teamId`), or (`system`) those of no team. */
  teamId: teamScopeParam,
  bulkId: z.string().optional(),
  /** A whole address: messages from it or to it (To, Cc, Bcc). Other text: found in subject, From, recipients. */
  q: z
    .string()
    .max(200)
    .optional()
    .describe(
      'A whole address (name@example.com, any case): the messages from it or to it (To, Cc or Bcc), exactly. Anything else (a word, part of an address): found anywhere in the subject, From and recipients, case-insensitive.',
    ),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  /** Verification mails are hidden unless asked for. */
  internal: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  cursor: cursorParam,
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type MessageListQuery = z.input<typeof messageListQuerySchema>;

// ---- verification by confirmation code ----
export const verificationStartSchema = z.object({ to: emailAddress });
export const verificationConfirmSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'must be the 6-digit code from the mail'),
});
export const verificationStartedSchema = z.object({
  accountId: z.string(),
  sentTo: z.string(),
  expiresAt: z.string(),
  /** When another code may be requested. */
  resendAfter: z.string(),
  messageId: z.string(),
  reply: z.string().nullable(),
});
export type VerificationStarted = z.infer<typeof verificationStartedSchema>;
export const verificationConfirmedSchema = z.object({
  accountId: z.string(),
  verified: z.literal(true),
  verifiedAt: z.string(),
});
export type VerificationConfirmed = z.infer<typeof verificationConfirmedSchema>;
export type MessageView = z.infer<typeof messageViewSchema>;
