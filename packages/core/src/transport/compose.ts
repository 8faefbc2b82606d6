import type { NodemailerError } from 'nodemailer/lib/errors';
import type Mail from 'nodemailer/lib/mailer';
import { classifyDeliveryError } from './classify';
import type { OutgoingMail, RecipientOutcome, SendOutcome } from './types';

/** nodemailer options for one message; file and URL access are off so content can only come inline. */
export function toNodemailer(mail: OutgoingMail): Mail.Options {
  return {
    messageId: mail.messageId,
    from: mail.from.name ? { name: mail.from.name, address: mail.from.address } : mail.from.address,
    to: mail.to,
    cc: mail.cc,
    bcc: mail.bcc,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    subject: mail.subject,
    ...(mail.text !== undefined ? { text: mail.text } : {}),
    ...(mail.html !== undefined ? { html: mail.html } : {}),
    headers: mail.headers,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.contentBase64.replace(/\s+/g, ''),
      encoding: 'base64',
    })),
    envelope: { from: mail.envelopeFrom ?? mail.from.address, to: mail.envelopeTo },
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

type Info = {
  accepted?: Array<string | { address: string }>;
  rejected?: Array<string | { address: string }>;
  rejectedErrors?: NodemailerError[];
  response?: string;
};

const addr = (a: string | { address: string }) => (typeof a === 'string' ? a : a.address).toLowerCase();

/** Per-recipient results from what nodemailer reports (accepted list, per-recipient RCPT errors). */
function recipientsOf(
  envelopeTo: string[],
  info: Info,
  fallback: RecipientOutcome['status'],
  reply: string | null,
) {
  const errors = new Map<string, NodemailerError>();
  for (const e of info.rejectedErrors ?? []) if (e.recipient) errors.set(e.recipient.toLowerCase(), e);
  const accepted = new Set((info.accepted ?? []).map(addr));
  return envelopeTo.map((address): RecipientOutcome => {
    const err = errors.get(address.toLowerCase());
    if (err) {
      const temporary = (err.responseCode ?? 500) < 500;
      return { address, status: temporary ? 'deferred' : 'rejected', reply: err.response ?? err.message };
    }
    if (accepted.has(address.toLowerCase())) return { address, status: 'accepted', reply };
    return { address, status: fallback, reply };
  });
}

/** Turns a nodemailer send (SMTP or sendmail) into an outcome; it never throws. */
export async function sendWithNodemailer(
  send: () => Promise<Info>,
  mail: OutgoingMail,
): Promise<SendOutcome> {
  try {
    const info = await send();
    const reply = info.response ?? '250 OK';
    const code = Number(reply.slice(0, 3));
    return {
      ok: true,
      reply,
      ...(Number.isFinite(code) && code > 0 ? { responseCode: code } : {}),
      recipients: recipientsOf(mail.envelopeTo, info, 'accepted', reply),
    };
  } catch (err) {
    const error = classifyDeliveryError(err);
    const e = err as NodemailerError;
    const status = error.temporary ? 'deferred' : 'rejected';
    return {
      ok: false,
      error,
      recipients: recipientsOf(
        mail.envelopeTo,
        { rejectedErrors: e.rejectedErrors ?? [] },
        status,
        error.reply ?? null,
      ),
    };
  }
}
