import type { AccountRow } from '../accounts/types';
import { createVerpToken, readVerpToken, verpAddress } from '../bounces/verp';
import type { SecretBox } from '../security/secretBox';
import type { MailTransport, OutgoingMail, SendOutcome } from '../transport/types';
import type { MessageRow } from './rows';

/**
 * Transports whose envelope sender Mailroom sets: SMTP and sendmail (MAIL FROM / `-f`), SES (its
 * FeedbackForwardingEmailAddress; SES keeps its own MAIL FROM domain). Mailgun sends from its own bounce
 * domain and has no such field: a Mailgun account's bounce address is not used.
 */
const VERP_TRANSPORTS = new Set(['smtp', 'sendmail', 'ses']);

/** The account's VERP base address when VERP applies to its transport, else undefined (VERP off). */
export function verpBase(account: AccountRow | undefined): string | undefined {
  const o = account?.outgoing;
  if (!o?.bounceAddress || !VERP_TRANSPORTS.has(o.transport)) return undefined;
  return o.bounceAddress;
}

const PURPOSE = 'verp-token';

/** The VERP return path of one recipient of a message (its index in the message's recipients). */
export function verpReturnPath(secrets: SecretBox, base: string, messageId: string, recipientIndex: number) {
  const [key] = secrets.derivedKeys(PURPOSE);
  return verpAddress(base, createVerpToken({ messageId, recipientIndex }, key!));
}

/** The message and recipient a VERP token names, when its MAC holds under one of the configured keys. */
export function readToken(secrets: SecretBox, token: string) {
  for (const key of secrets.derivedKeys(PURPOSE)) {
    const target = readVerpToken(token, key);
    if (target) return target;
  }
  return null;
}

/**
 * Sends a message with VERP: one transaction per recipient, each with its own return path, so a bounce
 * names the recipient even when the report does not. Pooled connections carry the transactions one after
 * the other. The outcomes are joined into one: ok when every transaction was; else the first failure,
 * with every recipient's own result (the caller decides per recipient, as for one transaction).
 */
export async function sendWithVerp(
  transport: MailTransport,
  mail: OutgoingMail,
  message: MessageRow,
  returnPath: (recipientIndex: number) => string,
): Promise<SendOutcome> {
  const index = new Map(message.recipients.map((r, i) => [r.address.toLowerCase(), i]));
  const outcomes = await Promise.all(
    mail.envelopeTo.map((address) => {
      const i = index.get(address.toLowerCase());
      return transport.send({
        ...mail,
        envelopeTo: [address],
        ...(i !== undefined ? { envelopeFrom: returnPath(i) } : {}),
      });
    }),
  );
  const recipients = outcomes.flatMap((o) => o.recipients);
  const transcript = outcomes.flatMap((o) => o.transcript ?? []);
  const learned = outcomes.flatMap((o) => o.learned ?? []);
  const extra = {
    ...(transcript.length ? { transcript } : {}),
    ...(learned.length ? { learned } : {}),
  };
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) return { ok: false, error: failed.error, recipients, ...extra };
  const first = outcomes[0];
  const reply = first?.ok ? first.reply : '250 OK';
  return {
    ok: true,
    reply,
    ...(first?.ok && first.responseCode ? { responseCode: first.responseCode } : {}),
    recipients,
    ...extra,
  };
}
