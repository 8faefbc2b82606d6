import { type AddressObject, type EmailAddress, simpleParser } from 'mailparser';
import { htmlToText } from '../codes/html-to-text.js';
import type { AttachmentInfo, MailAddress, StoredMessage } from '../types.js';

/** The part of a stored message that comes from parsing its source. */
export type ParsedFields = Pick<
  StoredMessage,
  | 'messageId'
  | 'subject'
  | 'from'
  | 'to'
  | 'cc'
  | 'replyTo'
  | 'date'
  | 'text'
  | 'html'
  | 'headers'
  | 'attachments'
> & { attachmentContents: Buffer[] };

function flatten(entries: EmailAddress[], out: MailAddress[]): MailAddress[] {
  for (const entry of entries) {
    if (entry.group) flatten(entry.group, out);
    else if (entry.address) out.push({ name: entry.name, address: entry.address });
  }
  return out;
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!value) return [];
  const out: MailAddress[] = [];
  for (const object of Array.isArray(value) ? value : [value]) flatten(object.value, out);
  return out;
}

function headerRecord(lines: ReadonlyArray<{ key: string; line: string }>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    const colon = line.indexOf(':');
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    headers[key] = key in headers ? `${headers[key]}\n${value}` : value;
  }
  return headers;
}

/** Parses a raw message with mailparser into the fields the store keeps. */
export async function parseMessage(raw: Buffer): Promise<ParsedFields> {
  // The skips avoid work nothing here uses (text-to-HTML, linkify, data: URLs for cid
  // images, checksums); HTML is turned into text by the same converter the codes use.
  const parsed = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    keepCidLinks: true,
    checksumAlgo: false,
  });
  const html = typeof parsed.html === 'string' ? parsed.html : null;
  const attachments: AttachmentInfo[] = parsed.attachments.map((a, index) => ({
    index,
    filename: a.filename ?? null,
    contentType: a.contentType,
    size: a.size ?? a.content.length,
    contentId: a.contentId ?? null,
    disposition: a.contentDisposition ?? null,
    related: !!a.related,
    // mailparser numbers parts from the MIME tree; a message that is one bare part is part 1.
    partId: a.partId ?? '1',
  }));
  return {
    messageId: parsed.messageId ?? null,
    subject: parsed.subject ?? '',
    from: addresses(parsed.from)[0] ?? null,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
    text: parsed.text ?? (html ? htmlToText(html) : ''),
    html,
    headers: headerRecord(parsed.headerLines),
    attachments,
    attachmentContents: parsed.attachments.map((a) => a.content),
  };
}
