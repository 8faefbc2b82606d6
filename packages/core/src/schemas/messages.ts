import { z } from 'zod';
import { emailAddress, headerSafe } from './common';
import { routeReasonSchema } from './defaults';

export const messageStatuses = ['queued', 'sending', 'sent', 'deferred', 'failed', 'cancelled'] as const;
export const messageStatusSchema = z.enum(messageStatuses);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,76}$/, 'must be a valid header name');

export const attachmentSchema = z.object({
  filename: headerSafe(255).min(1),
  contentType: headerSafe(255).default('application/octet-stream'),
  contentBase64: z.string().regex(/^[A-Za-z0-9+/=\s]*$/, 'must be base64'),
});

export const messageInputSchema = z
  .object({
    accountId: z.string().optional(),
    teamId: z.string().nullable().optional(),
    from: z.object({ address: emailAddress, name: headerSafe(200).optional() }).optional(),
    to: z.array(emailAddress).min(1, 'needs at least one recipient').max(500),
    cc: z.array(emailAddress).max(500).default([]),
    bcc: z.array(emailAddress).max(500).default([]),
    replyTo: emailAddress.optional(),
    subject: headerSafe(998),
    text: z.string().max(5_000_000).optional(),
    html: z.string().max(10_000_000).optional(),
    attachments: z.array(attachmentSchema).max(50).default([]),
    headers: z.record(headerName, headerSafe(998)).default({}),
    mode: z.enum(['immediate', 'queued']).optional(),
  })
  .refine((m) => m.text !== undefined || m.html !== undefined, {
    path: ['text'],
    message: 'text or html is required',
  });
export type MessageInput = z.input<typeof messageInputSchema>;

export const attemptSchema = z.object({
  at: z.string(),
  durationMs: z.number(),
  ok: z.boolean(),
  reply: z.string().nullable(),
  errorCode: z.string().nullable(),
});

export const recipientResultSchema = z.object({
  address: z.string(),
  status: z.enum(['pending', 'accepted', 'rejected', 'deferred']),
  reply: z.string().nullable(),
});

export const messageViewSchema = z.object({
  id: z.string(),
  status: messageStatusSchema,
  accountId: z.string().nullable(),
  route: z.object({ reason: routeReasonSchema, explanation: z.string() }),
  from: z.object({ address: z.string(), name: z.string().optional() }),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  subject: z.string(),
  messageId: z.string().nullable(),
  attemptCount: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  recipients: z.array(recipientResultSchema),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  attempts: z.array(attemptSchema).optional(),
});
export type MessageView = z.infer<typeof messageViewSchema>;
