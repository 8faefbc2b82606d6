import { z } from 'zod';
import { cursorParam, teamScopeParam } from './common';

export const inboxKinds = ['mail', 'bounce', 'complaint', 'auto_reply'] as const;

export const inboxQuerySchema = z.object({
  accountId: z.string().optional(),
  /** Mail fetched by a team's accounts, or (`system`) by system accounts. */
  teamId: teamScopeParam,
  /**
   * What a bounce mailbox classified: ordinary `mail` by default; `bounce`, `complaint` and `auto_reply` are
   * the reports it kept; `all` for everything. A team admin reads a system bounce mailbox's report only
   * where it is tied to a message they can read.
   */
  kind: z.enum([...inboxKinds, 'all']).default('mail'),
  q: z.string().max(200).optional(),
  cursor: cursorParam,
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type InboxQuery = z.input<typeof inboxQuerySchema>;

export const inboxSummarySchema = z.object({
  id: z.string(),
  accountId: z.string(),
  accountName: z.string().nullable(),
  protocol: z.enum(['imap', 'pop3']),
  from: z.object({ address: z.string().nullable(), name: z.string().nullable() }),
  to: z.array(z.string()),
  subject: z.string(),
  date: z.string().nullable(),
  fetchedAt: z.string(),
  size: z.number(),
  attachmentCount: z.number(),
  messageId: z.string().nullable(),
  kind: z.enum(inboxKinds),
});
export type InboxSummary = z.infer<typeof inboxSummarySchema>;

export const inboxMessageSchema = inboxSummarySchema.extend({
  cc: z.array(z.string()),
  text: z.string().nullable(),
  html: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  attachments: z.array(
    z.object({ filename: z.string().nullable(), contentType: z.string(), size: z.number() }),
  ),
  mailbox: z.string().nullable(),
  uid: z.number().nullable(),
  uidl: z.string().nullable(),
});
export type InboxMessage = z.infer<typeof inboxMessageSchema>;

export const fetchResultSchema = z.object({
  accountId: z.string(),
  fetched: z.number(),
  duplicates: z.number(),
  durationMs: z.number(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      hint: z.string(),
      detail: z
        .string()
        .optional()
        .describe(
          "The library's own words behind `message`, verbatim and redacted (an OpenSSL line of a failed TLS handshake): technical detail.",
        ),
    })
    .optional(),
});
