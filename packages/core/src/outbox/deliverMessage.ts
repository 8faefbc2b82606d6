import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import { sendsHealthy } from '../health/sendHealth';
import { accountSecrets } from '../security/accountSecrets';
import { SecretSet } from '../security/redact';
import { deliveryError } from '../transport/classify';
import { BlockedDestination, transportFor } from '../transport/pool';
import type { SendOutcome } from '../transport/types';
import type { MessageRow } from './rows';
import { sendWithVerp, verpBase, verpReturnPath } from './verp';
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
  /** The protocol conversation, for accounts with `debug` on: redacted with `secrets` when it is recorded. */
  transcript?: string;
  /**
   * What everything stored about this attempt is redacted of (reply, error, recipients' replies, transcript,
   * log rows): the account's secrets, shared by its sends, plus any one-time secret of this attempt.
   */
  secrets?: SecretSet;
};

const NO_SECRETS = new SecretSet().freeze();
const CONTENT_LEFT_OUT = '<message content left out of the transcript: it carries a one-time secret>';

/**
 * The transcript without the message as sent (the lines between the server's 354 and the lone "."): its
 * transfer encoding (quoted-printable soft breaks, base64) can split a one-time code so that masking its
 * literal forms would miss it.
 */
function withoutContent(lines: string[]): string[] {
  const out: string[] = [];
  let inData = false;
  for (const line of lines) {
    if (inData) {
      if (line.trim() !== '.') continue;
      inData = false;
      out.push(CONTENT_LEFT_OUT);
    }
    out.push(line);
    if (/^354[ -]/.test(line)) inData = true;
  }
  if (inData) out.push(CONTENT_LEFT_OUT);
  return out;
}

/**
 * Talks to the account's server for one leased message. Never throws: every failure comes back
 * classified so it can be recorded. `override` replaces stored content for this attempt only; `oneTime`
 * are secrets that content carries (a verification code), masked from everything recorded about it.
 */
export async function deliverMessage({
  ctx,
  message,
  account,
  worker,
  override,
  oneTime,
}: {
  ctx: Ctx;
  message: MessageRow;
  account: AccountRow | undefined;
  worker: string;
  override?: { text?: string; html?: string };
  oneTime?: string[];
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
      const transport = await transportFor(ctx, account);
      const base = verpBase(account);
      result = base
        ? await sendWithVerp(transport, mail, message, (i) =>
            verpReturnPath(ctx.secrets, base, message.id, i),
          )
        : await transport.send(mail);
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
  let secrets = NO_SECRETS;
  try {
    if (account) secrets = accountSecrets(ctx.secrets, account);
  } catch {
    // Secrets that cannot be decrypted could not have been sent either (the transport decrypts first).
  }
  // One-time secrets of this attempt: a verification code, and the access tokens the transport used.
  const learned = [...(oneTime ?? []), ...(result.learned ?? [])];
  if (learned.length > 0) {
    secrets = secrets.copy();
    for (const s of learned) secrets.add(s);
  }
  const lines = result.transcript && oneTime?.length ? withoutContent(result.transcript) : result.transcript;
  return {
    ...(lines ? { transcript: lines.join('\n') } : {}),
    secrets,
    message,
    accountId: account?.id ?? message.accountId,
    at,
    durationMs: Math.round(performance.now() - started),
    result,
    worker,
    // Its sending, not the whole account: a failing incoming part must not put every send on the slow path.
    accountHealthy: account !== undefined && sendsHealthy(account),
  };
}
