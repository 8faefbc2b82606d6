/** How webhook deliveries are retried, leased and given up; every field has a default that suits production. */
export type WebhookPolicy = {
  /** A delivery still failing this long after its event is given up (failed). */
  giveUpAfterMs: number;
  /** An endpoint with no successful delivery for this long while failing is disabled. */
  disableAfterMs: number;
  /** First retry delay; doubles each attempt, with ±50 % jitter, up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long a claimed delivery stays leased; a crashed dispatcher's deliveries return to the queue after it. */
  leaseMs: number;
  /** Bound on one request, connection to the last byte of the answer (the door enforces it). */
  timeoutMs: number;
};

export const defaultWebhookPolicy: WebhookPolicy = {
  giveUpAfterMs: 3 * 24 * 3600_000,
  disableAfterMs: 3 * 24 * 3600_000,
  backoffBaseMs: 10_000,
  backoffMaxMs: 3 * 3600_000,
  leaseMs: 60_000,
  timeoutMs: 15_000,
};

export function withWebhookPolicy(p: Partial<WebhookPolicy> | undefined): WebhookPolicy {
  return { ...defaultWebhookPolicy, ...(p ?? {}) };
}
