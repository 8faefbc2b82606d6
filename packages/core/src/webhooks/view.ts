import type { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../db/schema';
import type { Webhook, WebhookAttempt, WebhookDelivery } from '../schemas/webhooks';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** An endpoint as the API shows it: never a secret, only whether the old one still signs and until when. */
export function toWebhook(row: EndpointRow, now: Date): Webhook {
  const overlap = row.previousSecret && row.previousSecretUntil && row.previousSecretUntil > now;
  return {
    id: row.id,
    teamId: row.teamId,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes ?? 'all',
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    previousSecretUntil: overlap ? iso(row.previousSecretUntil) : null,
    failingSince: iso(row.failingSince),
    lastSuccessAt: iso(row.lastSuccessAt),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toAttempt(a: AttemptRow): WebhookAttempt {
  return {
    id: a.id,
    at: a.at.toISOString(),
    durationMs: a.durationMs,
    ok: a.ok,
    statusCode: a.statusCode,
    errorCode: a.errorCode,
    message: a.message,
    snippet: a.snippet,
  };
}

/** The latest attempt, kept in the delivery's own row until another follows; null when none is there. */
export function latestAttemptOf(d: DeliveryRow): AttemptRow | null {
  if (d.lastAttemptId === null || d.lastAttemptAt === null) return null;
  return {
    id: d.lastAttemptId,
    deliveryId: d.id,
    endpointId: d.endpointId,
    at: d.lastAttemptAt,
    durationMs: d.lastDurationMs ?? 0,
    ok: d.lastOk ?? false,
    statusCode: d.lastStatusCode,
    errorCode: d.lastErrorCode,
    message: d.lastMessage,
    snippet: d.lastSnippet,
    worker: d.lastWorker,
  };
}

/** `inFlight`: held in memory by a dispatcher of this process (the embedded database writes no lease). */
export function toDelivery(
  d: DeliveryRow,
  eventType: string,
  attempts: AttemptRow[],
  inFlight = false,
): WebhookDelivery {
  const open = d.status === 'pending' || d.status === 'delivering';
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType,
    status: inFlight && d.status === 'pending' ? 'delivering' : d.status,
    attemptCount: d.attemptCount,
    nextAttemptAt: open ? d.nextAttemptAt.toISOString() : null,
    lastStatusCode: d.lastStatusCode,
    lastErrorCode: d.lastErrorCode,
    createdAt: d.createdAt.toISOString(),
    finishedAt: iso(d.finishedAt),
    attempts: attempts.map(toAttempt),
  };
}
