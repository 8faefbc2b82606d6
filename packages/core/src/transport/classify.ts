import { classifyFailure } from '../failures/classify';
import { ConnectionFailure } from '../failures/error';
import { type FailureOptions, failure } from '../failures/table';
import type { ErrorClass } from '../schemas/connection';
import type { DeliveryError } from './types';

/** Puts a thrown transport error into a stable class (the one failure table), keeping the server's reply verbatim. */
export function classifyDeliveryError(err: unknown): DeliveryError {
  return classifyFailure(err);
}

/** A classified error made by us, not by a server (blocked destination, HTTP API refusal …). */
export function deliveryError(
  code: ErrorClass,
  message: string,
  opts: FailureOptions & { temporary: boolean; accountLevel: boolean },
): DeliveryError {
  return failure(code, message, opts);
}

/**
 * An attempt that never got an answer: a failure the door already classified (blocked, dns, timeout …) is
 * the account's trouble and may pass, so it is temporary and account-level; anything else is classified.
 */
export function unansweredAttemptError(err: unknown): DeliveryError {
  if (!(err instanceof ConnectionFailure)) return classifyDeliveryError(err);
  const { code, message, hint, detail } = err.info;
  return deliveryError(code, message, { temporary: true, accountLevel: true, hint, detail });
}
