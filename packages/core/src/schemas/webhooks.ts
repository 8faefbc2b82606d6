import { z } from 'zod';
import { teamScopeParam } from './common';

/** The events an endpoint may subscribe to (DESIGN "After the 250"). */
export const webhookEventTypes = [
  'message.queued',
  'message.sent',
  'message.deferred',
  'message.failed',
  'message.bounced',
  'message.complained',
  'message.suppressed',
  'inbound.received',
  'account.health_changed',
  'account.verified',
] as const;
export const webhookEventTypeSchema = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** The type of "Send test event": delivered only to the endpoint it was sent from, never subscribed to. */
export const webhookTestEventType = 'webhook.test';
export type WebhookAnyEventType = WebhookEventType | typeof webhookTestEventType;

/** What one event says: ids, statuses, recipients; never a secret or a message body. */
export type WebhookEventData = Record<string, unknown>;

/** The body posted to an endpoint (Standard Webhooks): `{ type, timestamp, data }`. */
export const webhookPayloadSchema = z.object({
  type: z.string(),
  timestamp: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

const webhookUrl = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(2000)
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return u.protocol === 'https:' || u.protocol === 'http:';
      } catch {
        return false;
      }
    },
    { message: 'must be an https:// URL' },
  );
const description = z
  .string()
  .max(500)
  .refine((s) => !/[\0]/.test(s), { message: 'must not contain NUL' });
/** The event types an endpoint receives: a list, or "all" (also every type added later). */
const eventTypesInput = z.union([
  z.literal('all'),
  z.array(webhookEventTypeSchema).min(1, 'must name at least one event type, or be "all"').max(50),
]);

export const webhookInputSchema = z
  .object({
    url: webhookUrl,
    description: description.default(''),
    eventTypes: eventTypesInput.default('all'),
    enabled: z.boolean().default(true),
    /** null: system level (admins only); a team id: that team's events only. */
    teamId: z.string().min(1).max(64).nullable().default(null),
  })
  .strict();
export type WebhookInput = z.input<typeof webhookInputSchema>;

export const webhookUpdateSchema = z
  .object({
    url: webhookUrl.optional(),
    description: description.optional(),
    eventTypes: eventTypesInput.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type WebhookUpdate = z.input<typeof webhookUpdateSchema>;

export const webhookRotateSchema = z
  .object({
    /** How long the old secret still signs beside the new one (both signatures in `webhook-signature`). */
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(24 * 3600),
  })
  .strict();

export const webhookSchema = z.object({
  id: z.string(),
  teamId: z.string().nullable(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.union([z.literal('all'), z.array(z.string())]),
  enabled: z.boolean(),
  /** Why Mailroom disabled it (failing for too long); null otherwise. */
  disabledReason: z.string().nullable(),
  /** Secrets are write-only: only whether the old one still signs, and until when. */
  previousSecretUntil: z.string().nullable(),
  failingSince: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  updatedAt: z.string(),
});
export type Webhook = z.infer<typeof webhookSchema>;

/** The answer to create and rotate: the only time the secret is shown. */
export const webhookWithSecretSchema = webhookSchema.extend({ secret: z.string() });
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

export const webhookListQuerySchema = z.object({
  teamId: teamScopeParam,
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export const webhookDeliveryStatuses = ['pending', 'delivering', 'delivered', 'failed'] as const;

export const webhookAttemptSchema = z.object({
  id: z.string(),
  at: z.string(),
  durationMs: z.number().int(),
  ok: z.boolean(),
  /** The receiver's HTTP status; null when there was no answer (refused, timeout, blocked). */
  statusCode: z.number().int().nullable(),
  /** The failure class (failure table): timeout, refused, blocked, rejected …; null on success. */
  errorCode: z.string().nullable(),
  message: z.string().nullable(),
  /** The start of the receiver's answer, bounded and redacted. */
  snippet: z.string().nullable(),
});
export type WebhookAttempt = z.infer<typeof webhookAttemptSchema>;

export const webhookDeliverySchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(webhookDeliveryStatuses),
  attemptCount: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastErrorCode: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  attempts: z.array(webhookAttemptSchema),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryQuerySchema = z.object({
  status: z.enum(webhookDeliveryStatuses).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const webhookTestResultSchema = z.object({ eventId: z.string(), deliveryId: z.string() });
