import { createHash } from 'node:crypto';
import { htmlToText } from '../../../codes/html-to-text.js';
import type { MessageStore } from '../../../store/store.js';
import type { AttachmentInfo, MailAddress, StoredMessage } from '../../../types.js';

// The JSON Mailpit's API v1 answers, built from a stored message. Field names, nesting and
// empty values (`[]`, `""`, an empty From) follow Mailpit's own structs so a client written
// against Mailpit reads them unchanged.

export interface MailpitAddress {
  Name: string;
  Address: string;
}

export interface MailpitAttachment {
  PartID: string;
  FileName: string;
  ContentType: string;
  ContentID: string;
  Size: number;
  Checksums: { MD5: string; SHA1: string; SHA256: string };
}

const address = (a: MailAddress | null): MailpitAddress => ({
  Name: a?.name ?? '',
  Address: a?.address ?? '',
});

/** Message-ID without its angle brackets, as Mailpit shows it. */
const messageIdOf = (m: StoredMessage) => (m.messageId ?? '').replace(/^<|>$/g, '');

/**
 * Bcc as Mailpit shows it: the envelope recipients the message's To and Cc do not name (a Bcc
 * header never reaches the recipient, so the envelope is where they are).
 */
export function bccOf(m: StoredMessage): MailAddress[] {
  const named = new Set([...m.to, ...m.cc].map((a) => a.address.toLowerCase()));
  const seen = new Set<string>();
  const out: MailAddress[] = [];
  for (const rcpt of m.envelope.rcptTo) {
    const key = rcpt.toLowerCase();
    if (named.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push({ name: '', address: rcpt });
  }
  return out;
}

/**
 * Mailpit's split of the non-body parts: inline ones (disposition `inline`, or embedded in
 * `multipart/related`) and attachments. Parts with neither a file name nor a Content-ID are
 * not listed, as in Mailpit.
 */
export function partsOf(m: StoredMessage): { inline: AttachmentInfo[]; attachments: AttachmentInfo[] } {
  const inline: AttachmentInfo[] = [];
  const attachments: AttachmentInfo[] = [];
  for (const a of m.attachments) {
    const isInline = a.disposition === 'inline' || (a.related && a.disposition !== 'attachment');
    (isInline ? inline : attachments).push(a);
  }
  const named = (a: AttachmentInfo) => !!a.filename || !!a.contentId;
  return { inline: inline.filter(named), attachments: attachments.filter(named) };
}

/** Mailpit's snippet: the HTML as text (else the text), whitespace collapsed, 200 characters and "...". */
export function snippetOf(m: StoredMessage): string {
  const source = m.html?.trim() ? htmlToText(m.html) : m.text;
  const text = source
    .replace(/\uFEFF/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(text);
  return chars.length <= 200 ? text : `${chars.slice(0, 200).join('')}...`;
}

/** One message of a list (`GET /api/v1/messages`, `GET /api/v1/search`). */
export function listItem(m: StoredMessage) {
  return {
    ID: m.id,
    MessageID: messageIdOf(m),
    Read: m.read,
    From: address(m.from),
    To: m.to.map(address),
    Cc: m.cc.map(address),
    Bcc: bccOf(m).map(address),
    ReplyTo: m.replyTo.map(address),
    Subject: m.subject,
    Created: m.receivedAt,
    Username: m.authUser ?? '',
    Tags: m.tags,
    Size: m.size,
    Attachments: partsOf(m).attachments.length,
    Snippet: snippetOf(m),
  };
}

function attachmentShape(store: MessageStore, m: StoredMessage, a: AttachmentInfo): MailpitAttachment {
  const content = store.attachment(m.id, a.index)?.content ?? Buffer.alloc(0);
  const contentId = (a.contentId ?? '').replace(/^<|>$/g, '');
  const digest = (algorithm: string) => createHash(algorithm).update(content).digest('hex');
  return {
    PartID: a.partId,
    FileName: a.filename ?? contentId,
    ContentType: a.contentType,
    ContentID: contentId,
    Size: a.size,
    Checksums: { MD5: digest('md5'), SHA1: digest('sha1'), SHA256: digest('sha256') },
  };
}

/** The http(s) and mailto links of a List-Unsubscribe header. */
function unsubscribeLinks(header: string): string[] {
  return [...header.matchAll(/<([^>]+)>/g)].map((match) => match[1]!.trim()).filter(Boolean);
}

/** One message in full (`GET /api/v1/message/{ID}`). */
export function messageShape(store: MessageStore, m: StoredMessage) {
  const { inline, attachments } = partsOf(m);
  const listUnsubscribe = m.headers['list-unsubscribe'] ?? '';
  const returnPath =
    (m.headers['return-path'] ?? '').replace(/^<|>$/g, '') || m.envelope.mailFrom || m.from?.address || '';
  return {
    ID: m.id,
    MessageID: messageIdOf(m),
    From: address(m.from),
    To: m.to.map(address),
    Cc: m.cc.map(address),
    Bcc: bccOf(m).map(address),
    ReplyTo: m.replyTo.map(address),
    ReturnPath: returnPath,
    Subject: m.subject,
    ListUnsubscribe: {
      Header: listUnsubscribe,
      Links: listUnsubscribe ? unsubscribeLinks(listUnsubscribe) : [],
      Errors: '',
      HeaderPost: m.headers['list-unsubscribe-post'] ?? '',
    },
    Date: m.date ?? m.receivedAt,
    Tags: m.tags,
    Username: m.authUser ?? '',
    Text: m.text,
    HTML: m.html ?? '',
    Size: m.size,
    Inline: inline.map((a) => attachmentShape(store, m, a)),
    Attachments: attachments.map((a) => attachmentShape(store, m, a)),
  };
}

/** `Message-ID` → `Message-Id`, as Go's textproto canonicalises header names. */
export function canonicalHeaderName(name: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(name)) return name;
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * The header section of a source as Mailpit answers it: canonical names in alphabetical
 * order, each with its values in order, folded lines joined by a space, encoded words left
 * as they are.
 */
export function headersOf(raw: Buffer): Record<string, string[]> {
  const text = raw.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const lines = (end === -1 ? text : text.slice(0, end)).split(/\r?\n/);
  const fields: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += ` ${line.trim()}`;
    else fields.push(line.trimEnd());
  }
  const headers = new Map<string, string[]>();
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = canonicalHeaderName(field.slice(0, colon).trim());
    const values = headers.get(name) ?? [];
    values.push(field.slice(colon + 1).trim());
    headers.set(name, values);
  }
  const sorted: Record<string, string[]> = {};
  for (const name of [...headers.keys()].sort()) sorted[name] = headers.get(name)!;
  return sorted;
}
