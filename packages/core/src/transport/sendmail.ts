import nodemailer from 'nodemailer';
import type { OutgoingParsed } from '../schemas/account';
import { sendWithNodemailer, toNodemailer } from './compose';
import type { MailTransport } from './types';

type SendmailSettings = Extract<OutgoingParsed, { transport: 'sendmail' }>;

/** Hands messages to a local sendmail-compatible binary (`-i -f <from> <rcpts>`), one process per message. */
export function createSendmailTransport(s: SendmailSettings): MailTransport {
  const transporter = nodemailer.createTransport({ sendmail: true, newline: 'unix', path: s.path });
  return {
    kind: 'sendmail',
    send: (mail) => sendWithNodemailer(() => transporter.sendMail(toNodemailer(mail)), mail),
    close: () => transporter.close(),
  };
}
