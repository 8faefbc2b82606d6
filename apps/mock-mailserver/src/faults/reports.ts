import { randomUUID } from 'node:crypto';
import type { MessageStore } from '../store/store.js';
import type { MessageTransport } from '../types.js';
import type { FaultReport } from './rules.js';

/** A message a `bounce` or `complain` rule fired for, as it was accepted. */
export interface AcceptedMessage {
  raw: Buffer;
  /** The envelope sender (MAIL FROM), where the reports go; empty for a null sender. */
  mailFrom: string;
  transport: MessageTransport;
  remoteAddress: string | null;
  arrival: Date;
}

/** One recipient's report: its address, the DSN ORCPT it came with (RFC 3461), and what to report. */
export interface ReportTarget {
  rcpt: string;
  orcpt?: string | null | undefined;
  report: FaultReport;
}

/** The recipients that still get the message: a bounced one does not; one who complains did. */
export function deliveredTo(rcptTo: string[], targets: ReportTarget[]): string[] {
  const bounced = new Set(targets.filter((t) => t.report.action === 'bounce').map((t) => t.rcpt));
  return rcptTo.filter((rcpt) => !bounced.has(rcpt));
}

const CRLF = '\r\n';
// biome-ignore lint/suspicious/noControlCharactersInRegex: 8-bit content needs Content-Transfer-Encoding 8bit.
const EIGHT_BIT = /[^\x00-\x7f]/;

/** An RFC 5322 date in UTC (`Tue, 01 Dec 2026 10:30:00 +0000`). */
const rfc5322Date = (date: Date) => date.toUTCString().replace(/GMT$/, '+0000');

/** The header block of a message (up to the empty line), with CRLF line ends. */
function headerBlock(raw: Buffer): string {
  const text = raw.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  const block = end ? text.slice(0, end.index) : text;
  return `${block.replace(/\r?\n/g, CRLF)}${CRLF}`;
}

const crlf = (raw: Buffer) => raw.toString('latin1').replace(/\r?\n/g, CRLF);

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1) || address;

/** A part: its headers, an empty line, its body (byte strings: latin1, one char per byte). */
function part(contentType: string, description: string, body: string): string {
  const encoding = EIGHT_BIT.test(body) ? '8bit' : '7bit';
  return [
    `Content-Type: ${contentType}`,
    `Content-Description: ${description}`,
    `Content-Transfer-Encoding: ${encoding}`,
    '',
    body,
  ].join(CRLF);
}

/** A multipart/report message of the given report type, with the given top headers and parts. */
function report(headers: string[], reportType: string, parts: string[]): Buffer {
  const boundary = `=_mock_report_${randomUUID()}`;
  const text = [
    ...headers,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=${reportType};${CRLF} boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated report.',
    '',
    ...parts.flatMap((p) => [`--${boundary}`, p]),
    `--${boundary}--`,
    '',
  ].join(CRLF);
  // Headers and parts are byte strings, so the original's bytes come back unchanged.
  return Buffer.from(text, 'latin1');
}

const utf8Bytes = (value: string) => Buffer.from(value, 'utf8').toString('latin1');

/**
 * An RFC 3464 delivery status notification for one recipient: a human part, a
 * message/delivery-status part, and the original's headers (text/rfc822-headers).
 */
export function composeDsn(input: {
  hostname: string;
  message: AcceptedMessage;
  target: ReportTarget & { report: Extract<FaultReport, { action: 'bounce' }> };
  now: Date;
}): Buffer {
  const { hostname, message, target, now } = input;
  const { report: bounce, rcpt } = target;
  const delayed = bounce.kind === 'delayed';
  const diagnostic = `${bounce.code} ${bounce.status} ${bounce.text}`;
  const human = delayed
    ? [
        `Your message to <${rcpt}> has not been delivered yet.`,
        '',
        `The recipient's mail server answered: ${diagnostic}`,
        `The mail system keeps trying until ${rfc5322Date(new Date(now.getTime() + 5 * 86_400_000))}; you need not send it again.`,
      ]
    : [
        `Your message could not be delivered to <${rcpt}>.`,
        '',
        `The recipient's mail server answered: ${diagnostic}`,
        bounce.kind === 'soft'
          ? 'The failure was temporary, but the mail system has given up on this message.'
          : 'The failure is permanent; do not send to this address again.',
      ];
  human.push(
    '',
    `(A delivery status notification made by the mock mail server ${hostname} for a fault rule.)`,
    '',
  );
  const status = [
    `Reporting-MTA: dns; ${hostname}`,
    `Arrival-Date: ${rfc5322Date(message.arrival)}`,
    '',
    `Final-Recipient: rfc822; ${rcpt}`,
    `Original-Recipient: ${originalRecipient(target)}`,
    `Action: ${delayed ? 'delayed' : 'failed'}`,
    `Status: ${bounce.status}`,
    `Remote-MTA: dns; mx.${domainOf(rcpt)}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    `Last-Attempt-Date: ${rfc5322Date(now)}`,
    ...(delayed ? [`Will-Retry-Until: ${rfc5322Date(new Date(now.getTime() + 5 * 86_400_000))}`] : []),
    '',
  ];
  return report(
    [
      `From: Mail Delivery System <MAILER-DAEMON@${hostname}>`,
      `To: <${message.mailFrom}>`,
      `Subject: ${delayed ? 'Delayed Mail (still being retried)' : 'Undelivered Mail Returned to Sender'}`,
      `Date: ${rfc5322Date(now)}`,
      `Message-ID: <${randomUUID()}@${hostname}>`,
      'Auto-Submitted: auto-replied',
    ].map(utf8Bytes),
    'delivery-status',
    [
      part('text/plain; charset=utf-8', 'Notification', utf8Bytes(human.join(CRLF))),
      part('message/delivery-status', 'Delivery report', utf8Bytes(status.join(CRLF))),
      part('text/rfc822-headers', 'Undelivered Message Headers', headerBlock(message.raw)),
    ],
  );
}

/** `rfc822; addr` from the ORCPT the client gave (`rfc822;addr`, xtext-encoded), else the recipient. */
function originalRecipient(target: ReportTarget): string {
  const orcpt = target.orcpt?.replace(/\+([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
  const m = orcpt ? /^([^;]+);(.+)$/.exec(orcpt) : null;
  return m ? `${m[1]!.toLowerCase()}; ${m[2]}` : `rfc822; ${target.rcpt}`;
}

/**
 * An RFC 5965 feedback report (ARF) about one recipient's complaint: a human part, a
 * message/feedback-report part, and the whole original message (message/rfc822).
 */
export function composeArf(input: {
  hostname: string;
  message: AcceptedMessage;
  target: ReportTarget & { report: Extract<FaultReport, { action: 'complain' }> };
  now: Date;
}): Buffer {
  const { hostname, message, target, now } = input;
  const { report: complaint, rcpt } = target;
  const human = [
    `A recipient, <${rcpt}>, reported a message from <${message.mailFrom}> (${complaint.feedbackType}).`,
    '',
    complaint.text,
    '',
    `(A feedback report made by the mock mail server ${hostname} for a fault rule.)`,
    '',
  ];
  const feedback = [
    `Feedback-Type: ${complaint.feedbackType}`,
    'User-Agent: mock-mailserver/1.0',
    'Version: 1',
    `Original-Mail-From: <${message.mailFrom}>`,
    `Original-Rcpt-To: <${rcpt}>`,
    `Arrival-Date: ${rfc5322Date(message.arrival)}`,
    `Reporting-MTA: dns; ${hostname}`,
    ...(message.remoteAddress ? [`Source-IP: ${message.remoteAddress.replace(/^::ffff:/, '')}`] : []),
    `Reported-Domain: ${domainOf(message.mailFrom)}`,
    '',
  ];
  return report(
    [
      `From: Mock Feedback Loop <feedback@${hostname}>`,
      `To: <${message.mailFrom}>`,
      `Subject: Complaint (${complaint.feedbackType}) about a message to ${rcpt}`,
      `Date: ${rfc5322Date(now)}`,
      `Message-ID: <${randomUUID()}@${hostname}>`,
      'Auto-Submitted: auto-generated',
    ].map(utf8Bytes),
    'feedback-report',
    [
      part('text/plain; charset=utf-8', 'Notification', utf8Bytes(human.join(CRLF))),
      part('message/feedback-report', 'Feedback report', utf8Bytes(feedback.join(CRLF))),
      part('message/rfc822', 'Reported message', crlf(message.raw)),
    ],
  );
}

/** Puts DSNs and ARF reports into the envelope sender's mailbox (what POP3 and IMAP serve to that login). */
export class ReportMailer {
  constructor(
    private readonly store: MessageStore,
    private readonly hostname: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** One report per target; none for a null sender (a bounce is never bounced, RFC 3461 6.2). */
  async send(message: AcceptedMessage, targets: ReportTarget[]): Promise<void> {
    if (targets.length === 0) return;
    if (!message.mailFrom) {
      this.log(`fault: no report for ${targets.map((t) => t.rcpt).join(', ')}: the sender is null (<>)`);
      return;
    }
    for (const target of targets) {
      const now = new Date();
      const { report } = target;
      const raw =
        report.action === 'bounce'
          ? composeDsn({ hostname: this.hostname, message, target: { ...target, report }, now })
          : composeArf({ hostname: this.hostname, message, target: { ...target, report }, now });
      await this.store.ingest({
        raw,
        transport: message.transport,
        // A DSN comes from the null sender; a feedback loop has an address of its own.
        envelope: {
          mailFrom: report.action === 'bounce' ? '' : `feedback@${this.hostname}`,
          rcptTo: [message.mailFrom],
        },
        authUser: null,
        secure: false,
        remoteAddress: null,
      });
      this.log(`fault: ${report.action} report for ${target.rcpt} put in the mailbox of ${message.mailFrom}`);
    }
  }
}
