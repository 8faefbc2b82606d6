import { posix } from 'node:path';
import nodemailer from 'nodemailer';
import { nodemailerDkim } from '../../dkim/settings';
import { deliveryError } from '../../transport/classify';
import { sendWithNodemailer, toNodemailer } from '../../transport/compose';
import type { MailTransport } from '../../transport/types';
import type { SendmailSettings } from './settings';

/**
 * Why a sendmail path may not be run, or null. Only programs the operator listed in
 * `MAILROOM_SENDMAIL_PATHS` run: an account can name one of them, never choose a program of its own.
 */
export function sendmailPathProblem(path: string, allowed: readonly string[]): string | null {
  const normal = posix.normalize(path);
  if (normal === path && allowed.includes(path)) return null;
  return allowed.length === 0
    ? 'is not allowed: this server runs no sendmail program (the operator lists them in MAILROOM_SENDMAIL_PATHS)'
    : `is not a program the operator allows (MAILROOM_SENDMAIL_PATHS: ${allowed.join(', ')})`;
}

/**
 * Hands messages to a local sendmail-compatible binary, one process per message, as
 * `-i -f <from> -- <recipients>`: after `--` no recipient can be read as an option. Runs only a path
 * the operator allowed; for any other the attempt fails as `blocked` and nothing is executed.
 */
export function createSendmailTransport(s: SendmailSettings, allowed: readonly string[]): MailTransport {
  const problem = sendmailPathProblem(s.path, allowed);
  const dkim = nodemailerDkim(s);
  return {
    kind: 'sendmail',
    async send(mail) {
      if (problem) {
        return {
          ok: false,
          error: deliveryError('blocked', `The sendmail path ${s.path} ${problem}`, {
            temporary: true,
            accountLevel: true,
            hint: 'Ask the operator to allow the program, or choose an allowed path.',
          }),
          recipients: mail.envelopeTo.map((address) => ({ address, status: 'deferred', reply: null })),
        };
      }
      // nodemailer adds `-i` first and the recipients last; `args` replaces its own `-f <from>`.
      const transporter = nodemailer.createTransport({
        sendmail: true,
        newline: 'unix',
        path: s.path,
        args: ['-f', mail.envelopeFrom ?? mail.from.address, '--'],
        // nodemailer signs the message before piping it to the program.
        ...(dkim ? { dkim } : {}),
      });
      return sendWithNodemailer(() => transporter.sendMail(toNodemailer(mail)), mail);
    },
    close() {},
  };
}
