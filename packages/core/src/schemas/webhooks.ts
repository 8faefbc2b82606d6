import { z } from 'zod';

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
