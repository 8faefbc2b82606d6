import { secretValues } from '../accounts/codec';
import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import { redact } from '../security/redact';
import { deliveryError } from '../transport/classify';
import { BlockedDestination, transportFor } from '../transport/pool';
import type { SendOutcome } from '../transport/types';
import type { MessageRow } from './rows';
import { toOutgoingMail } from './view';

/** One attempt's result, waiting to be recorded. */
export type Attempted = {
  message: MessageRow;
  accountId: string | null;
  at: Date;
  durationMs: number;
  result: SendOutcome;
  worker: string;
  /** Verification mails carry their code only in memory and are never retried. */
  noRetry?: boolean;
  /** The account was healthy when the message was claimed: a success needs no breaker update. */
  accountHealthy?: boolean;
  /** The protocol conversation with secrets redacted, for accounts with `debug` on. */
  transcript?: string;
};

/**
 * Talks to the account's server for one leased message. Never throws: every failure comes back
 * classified so it can be recorded. `override` replaces stored content for this attempt only.
 */
export async function deliverMessage({
  ctx,
  message,
  account,
  worker,
  override,
}: {
  ctx: Ctx;
  message: MessageRow;
  account: AccountRow | undefined;
  worker: string;
  override?: { text?: string; html?: string };
}): Promise<Attempted> {
  const at = ctx.now();
  const started = performance.now();
  let result: SendOutcome;
  const mail = { ...toOutgoingMail(message), ...(override ?? {}) };
  if (!account?.outgoing || account.stage !== 'active') {
    const error = deliveryError(
      'blocked',
      'The account of this message cannot send (inactive, deleted or without outgoing settings)',
      {
        temporary: true,
        accountLevel: false,
        hint: 'Activate the account, or cancel the message.',
      },
    );
    result = {
      ok: false,
      error,
      recipients: mail.envelopeTo.map((address) => ({ address, status: 'deferred', reply: null })),
    };
  } else {
    const pending = (status: 'deferred') =>
      mail.envelopeTo.map((address) => ({ address, status, reply: null }));
    try {
      result = await (await transportFor(ctx, account)).send(mail);
    } catch (err) {
      const error =
        err instanceof BlockedDestination
          ? err.error
          : deliveryError('protocol', `Could not send: ${(err as Error).message}`, {
              temporary: true,
              accountLevel: true,
            });
      result = { ok: false, error, recipients: pending('deferred') };
    }
  }
  const transcript =
    result.transcript && account
      ? redact(result.transcript.join('\n'), secretValues(ctx.secrets, account))
      : undefined;
  return {
    ...(transcript ? { transcript } : {}),
    message,
    accountId: account?.id ?? message.accountId,
    at,
    durationMs: Math.round(performance.now() - started),
    result,
    worker,
    accountHealthy:
      account !== undefined &&
      account.failureStreak === 0 &&
      account.pausedUntil === null &&
      account.health === 'ok',
  };
}
