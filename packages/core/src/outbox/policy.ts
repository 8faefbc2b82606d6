/** How the outbox retries, leases and pauses; every field has a default that suits production. */
export type OutboxPolicy = {
  /** Attempts before a temporarily failing message is given up (failed). */
  maxAttempts: number;
  /** Age after which a deferred message is given up, whatever its attempt count. */
  giveUpAfterMs: number;
  /** First retry delay; doubles each attempt, with ±50 % jitter, up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long a claimed message stays leased; a crashed worker's messages return to the queue after it. */
  leaseMs: number;
  /** Consecutive account-level failures (connection, TLS, auth) that pause an account. */
  breakerThreshold: number;
  /** First pause; doubles with each further failure, up to breakerMaxMs. */
  breakerBaseMs: number;
  breakerMaxMs: number;
};

export const defaultOutboxPolicy: OutboxPolicy = {
  maxAttempts: 10,
  giveUpAfterMs: 3 * 24 * 3600_000,
  backoffBaseMs: 30_000,
  backoffMaxMs: 3600_000,
  leaseMs: 5 * 60_000,
  breakerThreshold: 5,
  breakerBaseMs: 30_000,
  breakerMaxMs: 30 * 60_000,
};

export function withPolicy(p: Partial<OutboxPolicy> | undefined): OutboxPolicy {
  return { ...defaultOutboxPolicy, ...(p ?? {}) };
}

/**
 * Delay before retry number `attempt` (1 = first retry): exponential with jitter so retries spread out.
 * Any queue with a backoff (the outbox, webhook deliveries) uses it.
 */
export function retryDelayMs(
  attempt: number,
  p: Pick<OutboxPolicy, 'backoffBaseMs' | 'backoffMaxMs'>,
  random: () => number = Math.random,
): number {
  const exp = Math.min(p.backoffMaxMs, p.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + random()));
}

/** How long an account stays paused after `streak` consecutive failures. */
export function pauseMs(streak: number, p: OutboxPolicy): number {
  return Math.min(p.breakerMaxMs, p.breakerBaseMs * 2 ** Math.max(0, streak - p.breakerThreshold));
}
