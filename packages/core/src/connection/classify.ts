import { classifyFailure, toInfo, type Where } from '../failures/classify';
import { type ConnectionErrorInfo, ConnectionFailure } from '../failures/error';
import { imapReplyFailure } from '../failures/imap';
import { pop3ReplyFailure } from '../failures/pop3';
import { smtpReplyFailure } from '../failures/smtp';

export type { Where } from '../failures/classify';
export { startTlsRefused } from '../failures/smtp';

/** Puts any thrown value (Node socket/DNS/TLS errors, nodemailer/imapflow errors, our failures) into an error class. */
export function classifyError(err: unknown, w: Where = {}): ConnectionErrorInfo {
  if (err instanceof ConnectionFailure) return err.info;
  return toInfo(classifyFailure(err, w));
}

export type ReplyInput = {
  protocol: 'smtp' | 'imap' | 'pop3';
  /** The step that got the reply: greeting, ehlo, starttls, auth, mail, rcpt, data, list, status, stat … */
  stage: string;
  /** SMTP reply code; absent for IMAP/POP3. */
  code?: number;
  /** The server's reply text as sent (several lines joined by newlines). */
  text: string;
};

/** Turns a negative server reply into an error class with the reply kept verbatim and a hint that fits it. */
export function classifyReply(r: ReplyInput): ConnectionErrorInfo {
  if (r.protocol === 'smtp') return toInfo(smtpReplyFailure(r));
  if (r.protocol === 'imap') return toInfo(imapReplyFailure(r));
  return toInfo(pop3ReplyFailure(r));
}
