import type { SendOutcome } from '../transport/types';
import { type OutboxPolicy, retryDelayMs } from './policy';
import type { MessageRow } from './rows';

/** The server took it for this recipient: accepted, and after the 250 delivered or complained about. */
export const isReached = (status: string): boolean =>
  status === 'accepted' || status === 'delivered' || status === 'complained';
/** It did not reach this recipient and will not be tried again: refused, bounced, or not sent (suppressed). */
export const isLost = (status: string): boolean =>
  status === 'rejected' || status === 'bounced' || status === 'suppressed';

/** How long a message waits when its account's OAuth2 grant is gone; a reconnect makes it due at once. */
export const RECONNECT_WAIT_MS = 6 * 3600_000;

export type Decision = {
  status: 'sent' | 'partially_sent' | 'deferred' | 'failed';
  recipients: MessageRow['recipients'];
  lastError: MessageRow['lastError'];
  nextAttemptAt: Date | null;
  sentAt: Date | null;
};

/**
 * What an attempt means for the message: recipients accepted earlier stay accepted; any recipient
 * still deferred keeps the message deferred (until it is given up). Once nothing is left to try:
 * every recipient accepted is sent, some accepted and the others refused is partially_sent, none
 * accepted is failed.
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
    return got ? { ...r, status: got.status, reply: got.reply } : r;
  });
  const attempts = row.attemptCount + 1;
  const tooOld = now.getTime() - row.createdAt.getTime() >= policy.giveUpAfterMs;
  const error = result.ok ? null : result.error;
  // Waiting for a reconnect burns no attempts: only the message's age gives it up.
  const waiting = error?.awaitsReconnect === true;
  const giveUp = opts.noRetry || (!waiting && attempts >= policy.maxAttempts) || tooOld;
  const lastError: MessageRow['lastError'] = error
    ? {
        code: error.code,
        message: error.message,
        hint: error.hint,
        ...(error.reply ? { reply: error.reply } : {}),
        ...(error.responseCode ? { responseCode: error.responseCode } : {}),
        ...(error.detail ? { detail: error.detail } : {}),
      }
    : null;

  const hasDeferred = recipients.some((r) => r.status === 'deferred' || r.status === 'pending');
  const hasAccepted = recipients.some((r) => isReached(r.status));
  if (hasDeferred && !giveUp) {
    const delay = waiting ? RECONNECT_WAIT_MS : retryDelayMs(attempts, policy, opts.random);
    const next = new Date(now.getTime() + delay);
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
    if (hasAccepted) {
      return {
        status: 'partially_sent',
        recipients,
        lastError: partialError(recipients, giveUpError),
        nextAttemptAt: null,
        sentAt: now,
      };
    }
    return { status: 'failed', recipients, lastError: giveUpError, nextAttemptAt: null, sentAt: null };
  }
  if (hasAccepted && recipients.some((r) => isLost(r.status))) {
    return {
      status: 'partially_sent',
      recipients,
      lastError: partialError(recipients, lastError),
      nextAttemptAt: null,
      sentAt: now,
    };
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

/**
 * The error of a partially sent message: which recipients were refused, of how many, and the first
 * refusal's reply (an attempt that itself succeeded carries none, so the recipient's reply is used).
 */
function partialError(
  recipients: MessageRow['recipients'],
  attemptError: MessageRow['lastError'],
): NonNullable<MessageRow['lastError']> {
  const refused = recipients.filter((r) => isLost(r.status));
  const first = refused[0];
  const reply = attemptError?.reply ?? first?.reply ?? undefined;
  const code = Number(reply?.match(/^([45]\d\d)\b/)?.[1]);
  const names = refused
    .slice(0, 3)
    .map((r) => r.address)
    .join(', ');
  const more = refused.length > 3 ? ` and ${refused.length - 3} more` : '';
  const suppressed = refused.filter((r) => r.status === 'suppressed').length;
  const message =
    suppressed === 0
      ? `${refused.length} of ${recipients.length} recipients refused (${names}${more}); the others accepted it`
      : `${refused.length} of ${recipients.length} recipients not sent to (${names}${more}; ${suppressed} on the suppression list); the others accepted it`;
  return {
    code: 'rejected',
    message,
    hint:
      suppressed === 0
        ? 'The accepted recipients got the message. Check the refused addresses; Retry sends to them only.'
        : 'The accepted recipients got the message. Suppressed addresses are never mailed: remove one from the suppression list to mail it again.',
    ...(reply ? { reply } : {}),
    ...(attemptError?.responseCode
      ? { responseCode: attemptError.responseCode }
      : code
        ? { responseCode: code }
        : {}),
  };
}
