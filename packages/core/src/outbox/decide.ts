import type { SendOutcome } from '../transport/types';
import { type OutboxPolicy, retryDelayMs } from './policy';
import type { MessageRow } from './rows';

export type Decision = {
  status: 'sent' | 'deferred' | 'failed';
  recipients: MessageRow['recipients'];
  lastError: MessageRow['lastError'];
  nextAttemptAt: Date | null;
  sentAt: Date | null;
};

/**
 * What an attempt means for the message: recipients accepted earlier stay accepted; any recipient
 * still deferred keeps the message deferred (until it is given up); all rejected means failed.
 */
export function decide(
  row: MessageRow,
  result: SendOutcome,
  now: Date,
  policy: OutboxPolicy,
  opts: { noRetry?: boolean; random?: () => number } = {},
): Decision {
  const byAddress = new Map(result.recipients.map((r) => [r.address.toLowerCase(), r]));
  let recipients: MessageRow['recipients'] = row.recipients.map((r) => {
    const got = byAddress.get(r.address.toLowerCase());
    return got ? { address: r.address, status: got.status, reply: got.reply } : r;
  });
  const attempts = row.attemptCount + 1;
  const tooOld = now.getTime() - row.createdAt.getTime() >= policy.giveUpAfterMs;
  const giveUp = opts.noRetry || attempts >= policy.maxAttempts || tooOld;
  const error = result.ok ? null : result.error;
  const lastError: MessageRow['lastError'] = error
    ? {
        code: error.code,
        message: error.message,
        hint: error.hint,
        ...(error.reply ? { reply: error.reply } : {}),
        ...(error.responseCode ? { responseCode: error.responseCode } : {}),
      }
    : null;

  const hasDeferred = recipients.some((r) => r.status === 'deferred' || r.status === 'pending');
  const hasAccepted = recipients.some((r) => r.status === 'accepted');
  if (hasDeferred && !giveUp) {
    const next = new Date(now.getTime() + retryDelayMs(attempts, policy, opts.random));
    return { status: 'deferred', recipients, lastError, nextAttemptAt: next, sentAt: null };
  }
  if (hasDeferred) {
    const why = opts.noRetry
      ? 'not retried'
      : tooOld
        ? 'given up: too old'
        : `given up after ${attempts} attempts`;
    recipients = recipients.map((r) =>
      r.status === 'deferred' || r.status === 'pending'
        ? { ...r, status: 'rejected', reply: r.reply ? `${r.reply} (${why})` : why }
        : r,
    );
    const giveUpError = lastError
      ? { ...lastError, message: `${lastError.message} (${why})` }
      : { code: 'rejected', message: `Some recipients were not accepted (${why})` };
    if (hasAccepted)
      return { status: 'sent', recipients, lastError: giveUpError, nextAttemptAt: null, sentAt: now };
    return { status: 'failed', recipients, lastError: giveUpError, nextAttemptAt: null, sentAt: null };
  }
  if (hasAccepted) return { status: 'sent', recipients, lastError: null, nextAttemptAt: null, sentAt: now };
  return {
    status: 'failed',
    recipients,
    lastError: lastError ?? { code: 'rejected', message: 'Every recipient was refused' },
    nextAttemptAt: null,
    sentAt: null,
  };
}
