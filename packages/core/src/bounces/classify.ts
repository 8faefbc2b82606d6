import { type ParsedMail, simpleParser } from 'mailparser';
import { parseFeedbackReport } from './arf';
import { autoReplyReason } from './autoReply';
import { parseDeliveryStatus } from './dsn';
import { cleanAddress, cleanMessageId, type Fields, field, MAX_SCAN, parseHeaderBlock } from './fields';
import { DAEMON_FROM, DSN_VENDORS } from './rules';
import { readTextBounce } from './text';
import type { Classification, ClassifyOptions } from './types';

const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const RETURNED_TYPES = new Set([
  'text/rfc822-headers',
  'message/rfc822',
  'message/rfc822-headers',
  'message/global',
  'message/global-headers',
]);
const QUOTED_MESSAGE_ID = /^[ \t>]*Message-ID:[ \t]*(<[^<>\s]+>)/im;

/** A parsed message with the lookups every check needs. */
type Read = {
  mail: ParsedMail;
  get: (name: string) => string | null;
  text: string;
  part: (types: Set<string>) => string | null;
  /** The returned message's headers (text/rfc822-headers, message/rfc822 …), when the report has them. */
  returned: Fields | null;
};

function read(mail: ParsedMail): Read {
  const headers = new Map<string, string>();
  for (const { key, line } of mail.headerLines) {
    if (!headers.has(key))
      headers.set(
        key,
        line
          .slice(line.indexOf(':') + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      );
  }
  const part = (types: Set<string>): string | null => {
    const a = mail.attachments.find((x) => types.has(x.contentType.toLowerCase()));
    return a ? a.content.subarray(0, MAX_SCAN).toString('utf8') : null;
  };
  const returnedText = part(RETURNED_TYPES);
  return {
    mail,
    get: (name) => headers.get(name) ?? null,
    text: (mail.text ?? '').slice(0, MAX_SCAN),
    part,
    returned: returnedText === null ? null : parseHeaderBlock(returnedText),
  };
}

/** What the message answers: In-Reply-To, else the last of References (Gmail, Exim and Exchange set them on bounces). */
function answered(r: Read): string | null {
  const refs = r.get('references')?.match(/<[^<>\s]+>/g);
  return cleanMessageId(r.get('in-reply-to')) ?? refs?.[refs.length - 1] ?? null;
}

/** The Message-ID of the returned message: its headers part, else quoted headers in the text, else what the report answers. */
function originalMessageId(r: Read): string | null {
  return (
    cleanMessageId(field(r.returned ?? undefined, 'message-id')) ??
    QUOTED_MESSAGE_ID.exec(r.text)?.[1] ??
    answered(r)
  );
}

/** A text bounce names its writer rarely; the domain of its From (mailer-daemon@host) is the next best. */
function fromDomain(r: Read): string | null {
  const a = cleanAddress(r.mail.from?.value[0]?.address ?? null);
  return a ? a.slice(a.lastIndexOf('@') + 1) : null;
}

/** The first address the bounce reached us at that the caller recognises as a VERP address. */
function verpToken(
  r: Read,
  options: ClassifyOptions | undefined,
  extra: Array<string | null> = [],
): string | null {
  if (!options?.verpAddress) return null;
  const candidates = [
    ...(r.mail.to
      ? (Array.isArray(r.mail.to) ? r.mail.to : [r.mail.to]).flatMap((t) =>
          t.value.map((v) => v.address ?? null),
        )
      : []),
    r.get('delivered-to'),
    r.get('x-original-to'),
    r.get('envelope-to'),
    r.get('x-envelope-to'),
    ...extra,
    field(r.returned ?? undefined, 'return-path'),
  ];
  for (const c of candidates) {
    const address = cleanAddress(c ?? null);
    const token = address ? options.verpAddress(address) : null;
    if (token) return token;
  }
  return null;
}

function dsnFormat(r: Read, reportingMta: string | null): string {
  const from = r.mail.from?.text ?? '';
  const keys = r.mail.headerLines.map((h) => h.key);
  const vendor = DSN_VENDORS.find(
    (v) =>
      v.from?.test(from) ||
      (v.reportingMta && reportingMta !== null && v.reportingMta.test(reportingMta)) ||
      (v.header && keys.some((k) => v.header!.test(k))) ||
      v.body?.test(r.text),
  );
  return vendor?.format ?? 'rfc3464';
}

function failedRecipients(r: Read): string[] {
  const v = r.get('x-failed-recipients');
  if (!v) return [];
  return v
    .split(',')
    .map((a) => cleanAddress(a))
    .filter((a): a is string => a !== null);
}

/**
 * Classifies a message fetched from a bounce mailbox: a bounce (RFC 3464 DSN or a known text format),
 * a complaint (RFC 5965 ARF), an auto-reply (RFC 3834, vacation and out-of-office), or other mail.
 * Pure: no database, no network. The rules are data, in rules.ts.
 */
export async function classifyMessage(
  raw: Buffer | string,
  options?: ClassifyOptions,
): Promise<Classification> {
  const mail = await simpleParser(raw, {
    keepDeliveryStatus: true,
    ignoreEmbedded: true,
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    checksumAlgo: false,
    maxHtmlLengthToParse: MAX_SCAN,
  });
  const r = read(mail);

  const feedback = r.part(new Set(['message/feedback-report']));
  if (feedback !== null) {
    const report = parseFeedbackReport(feedback);
    const returnedTo = (r.returned?.get('to') ?? [])
      .flatMap((v) => v.split(','))
      .map(cleanAddress)
      .filter((a): a is string => a !== null);
    return {
      kind: 'complaint',
      format: 'arf',
      feedbackType: report.feedbackType,
      recipients: report.recipients.length > 0 ? report.recipients : [...new Set(returnedTo)],
      originalMessageId: originalMessageId(r),
      verpToken: verpToken(r, options, [report.originalMailFrom]),
      userAgent: report.userAgent,
      reportingMta: report.reportingMta,
      originalMailFrom: report.originalMailFrom,
    };
  }

  const dsnText = r.part(DSN_TYPES);
  if (dsnText !== null) {
    const dsn = parseDeliveryStatus(dsnText);
    if (dsn.recipients.length > 0) {
      return {
        kind: 'bounce',
        format: dsnFormat(r, dsn.reportingMta),
        rfc3464: true,
        reportingMta: dsn.reportingMta,
        recipients: dsn.recipients,
        originalMessageId: originalMessageId(r),
        verpToken: verpToken(r, options),
        arrivalDate: dsn.arrivalDate,
      };
    }
  }

  const from = mail.from?.text ?? '';
  const returnPath = r.get('return-path');
  if (DAEMON_FROM.test(from) || (returnPath !== null && /^<\s*>$/.test(returnPath))) {
    const bounce = readTextBounce({
      subject: mail.subject ?? '',
      from,
      text: r.text,
      failedRecipients: failedRecipients(r),
    });
    if (bounce) {
      return {
        kind: 'bounce',
        format: bounce.rule.format,
        rfc3464: false,
        reportingMta: bounce.reportingMta ?? fromDomain(r),
        recipients: bounce.recipients,
        originalMessageId: originalMessageId(r),
        verpToken: verpToken(r, options),
        arrivalDate: null,
      };
    }
  }

  const reason = autoReplyReason(r.get, mail.subject ?? '');
  if (reason) {
    return {
      kind: 'auto_reply',
      reason,
      originalMessageId: answered(r),
      from: cleanAddress(mail.from?.value[0]?.address ?? null),
    };
  }
  return { kind: 'other' };
}
