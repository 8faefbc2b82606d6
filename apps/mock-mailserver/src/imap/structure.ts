import addressparser, { type Address } from 'nodemailer/lib/addressparser';
import { nstring, string } from './encode.js';
import { field, lineCount, type MimeNode, parseContentValue } from './mime.js';

/** ENVELOPE and BODYSTRUCTURE (RFC 3501 7.4.2) of a parsed message, as response byte strings. */

function addressList(value: string | null): string {
  if (!value) return 'NIL';
  const parsed = addressparser(value);
  if (parsed.length === 0) return 'NIL';
  const out: string[] = [];
  const mailbox = (a: Address) => {
    const address = a.address ?? '';
    const at = address.lastIndexOf('@');
    const local = at === -1 ? address : address.slice(0, at);
    const host = at === -1 ? null : address.slice(at + 1);
    out.push(`(${nstring(a.name)} NIL ${nstring(local)} ${nstring(host)})`);
  };
  for (const entry of parsed) {
    if (entry.group) {
      // A group: its name as a mailbox without host, its members, then the end marker.
      out.push(`(NIL NIL ${nstring(entry.name)} NIL)`);
      for (const member of entry.group) mailbox(member);
      out.push('(NIL NIL NIL NIL)');
    } else mailbox(entry);
  }
  return `(${out.join('')})`;
}

/** The ENVELOPE of a message (or of the message a message/rfc822 part carries). */
export function envelope(node: MimeNode): string {
  const from = addressList(field(node, 'from'));
  const sender = field(node, 'sender');
  const replyTo = field(node, 'reply-to');
  return `(${[
    nstring(field(node, 'date')),
    nstring(field(node, 'subject')),
    from,
    // Sender and Reply-To default to From (RFC 3501 7.4.2).
    sender === null ? from : addressList(sender),
    replyTo === null ? from : addressList(replyTo),
    addressList(field(node, 'to')),
    addressList(field(node, 'cc')),
    addressList(field(node, 'bcc')),
    nstring(field(node, 'in-reply-to')),
    nstring(field(node, 'message-id')),
  ].join(' ')})`;
}

function paramList(params: Array<[string, string]>): string {
  if (params.length === 0) return 'NIL';
  return `(${params.map(([k, v]) => `${string(k.toUpperCase())} ${string(v)}`).join(' ')})`;
}

function disposition(node: MimeNode): string {
  const value = field(node, 'content-disposition');
  if (!value) return 'NIL';
  const parsed = parseContentValue(value);
  return `(${string(parsed.value.toUpperCase())} ${paramList(parsed.params)})`;
}

function language(node: MimeNode): string {
  const value = field(node, 'content-language');
  if (!value) return 'NIL';
  const tags = value
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  return tags.length === 1 ? string(tags[0]!) : `(${tags.map((tag) => string(tag)).join(' ')})`;
}

/** BODYSTRUCTURE (with extension data) or BODY (without) of a message or part. */
export function bodyStructure(node: MimeNode, extensible: boolean): string {
  if (node.children) {
    // A multipart without parts is not valid IMAP; show its body as one text part instead.
    if (node.children.length === 0)
      return bodyStructure(
        { ...node, children: null, type: 'text', subtype: 'plain', params: [] },
        extensible,
      );
    const parts = node.children.map((child) => bodyStructure(child, extensible)).join('');
    const ext = extensible
      ? ` ${paramList(node.params)} ${disposition(node)} ${language(node)} ${nstring(field(node, 'content-location'))}`
      : '';
    return `(${parts} ${string(node.subtype.toUpperCase())}${ext})`;
  }
  const encoding = (field(node, 'content-transfer-encoding') ?? '7BIT').toUpperCase();
  // Text without a charset is US-ASCII (RFC 2045 5.2); say so, as Dovecot does.
  const params =
    node.type === 'text' && !node.params.some(([k]) => k === 'charset')
      ? [...node.params, ['charset', 'us-ascii'] as [string, string]]
      : node.params;
  const fields = [
    string(node.type.toUpperCase()),
    string(node.subtype.toUpperCase()),
    paramList(params),
    nstring(field(node, 'content-id')),
    nstring(field(node, 'content-description')),
    string(encoding),
    String(node.body.length),
  ];
  if (node.message) {
    fields.push(
      envelope(node.message),
      bodyStructure(node.message, extensible),
      String(lineCount(node.body)),
    );
  } else if (node.type === 'text') {
    fields.push(String(lineCount(node.body)));
  }
  if (extensible) {
    fields.push(
      nstring(field(node, 'content-md5')),
      disposition(node),
      language(node),
      nstring(field(node, 'content-location')),
    );
  }
  return `(${fields.join(' ')})`;
}
