import type { GuardedResponse } from '../../door/http';
import { httpReplyFailure } from '../../failures/http';
import { type Failure, failure, temporaryNote } from '../../failures/table';

/** SES's own advice where the general advice is too vague; tests and sends share it. */
export const sesHints = {
  auth: 'Check the access key ID and the secret access key (an IAM user allowed ses:SendRawEmail and ses:GetAccount), and the region.',
  paused:
    'Sending is paused for this SES account or region (review, suspension, or paused by an administrator): see the account dashboard in the SES console.',
};

/** The error SES answered: its type (`x-amzn-ErrorType`, e.g. `MessageRejected`) and its message. */
export type SesError = { status: number; type: string; message: string };

/** Reads SES's error type and message from an answer (header first, then the body's `__type`/`code`). */
export function sesErrorOf(res: Pick<GuardedResponse, 'status' | 'headers' | 'body'>): SesError {
  let body: { message?: unknown; Message?: unknown; __type?: unknown; code?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (parsed && typeof parsed === 'object') body = parsed;
  } catch {
    // Not JSON (a proxy's page): the status speaks alone.
  }
  const header = res.headers['x-amzn-errortype'];
  const raw = (Array.isArray(header) ? header[0] : header) ?? body.__type ?? body.code ?? '';
  // `MessageRejected:http://internal.amazon.com/...` and `com.amazonaws...#MessageRejected` both occur.
  const type = String(raw).split(':')[0]!.split('#').pop() ?? '';
  const message = body.message ?? body.Message;
  return { status: res.status, type, message: typeof message === 'string' ? message.slice(0, 500) : '' };
}

const THROTTLED = /Throttl|TooManyRequests|LimitExceeded/;
const PAUSED = /AccountSuspended|SendingPaused/;

/**
 * Puts an SES refusal in its class: 401/403 (InvalidClientTokenId, SignatureDoesNotMatch, AccessDenied)
 * is `auth`, waiting on the account; throttling (429, TooManyRequests, LimitExceeded) waits; a paused or
 * suspended account waits as the account's trouble; 5xx waits as the account's trouble; MessageRejected and
 * other 4xx refuse the message for good; a redirect is never followed. Read the same way by sends and tests.
 */
export function sesFailure(e: SesError, what = 'the message'): Failure {
  const reply = `${e.status} ${[e.type, e.message].filter(Boolean).join(': ')}`.trim();
  if (PAUSED.test(e.type)) {
    return failure('rejected', `Amazon SES is not sending for this account (${e.type})`, {
      reply,
      responseCode: e.status,
      hint: sesHints.paused + temporaryNote,
      temporary: true,
      accountLevel: true,
    });
  }
  // SES says "slow down" with 429 or with a 400 named LimitExceeded/Throttling: both wait, as a 429 does.
  const status = e.status < 500 && THROTTLED.test(e.type) ? 429 : e.status;
  const f = httpReplyFailure({ service: 'Amazon SES', status, what, reply, hints: sesHints });
  return { ...f, responseCode: e.status };
}
