import { type AddressObject, simpleParser } from 'mailparser';

export type ParsedMail = {
  messageIdHeader: string | null;
  fromAddress: string | null;
  fromName: string | null;
  to: string[];
  cc: string[];
  subject: string;
  date: Date | null;
  text: string | null;
  html: string | null;
  headers: Record<string, string>;
  attachments: Array<{ filename: string | null; contentType: string; size: number }>;
  size: number;
  raw: string;
};

/** Headers worth keeping for display and threading; the raw source keeps the rest. */
const KEPT_HEADERS = [
  'from',
  'to',
  'cc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'list-id',
  'auto-submitted',
  'return-path',
];

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list.flatMap((x) => x.value.map((v) => v.address).filter((v): v is string => Boolean(v)));
}

/** Parses one fetched message (mailparser) into what the inbox stores. */
export async function parseFetched(source: Buffer): Promise<ParsedMail> {
  const mail = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true });
  const headers: Record<string, string> = {};
  for (const line of mail.headerLines) {
    if (KEPT_HEADERS.includes(line.key))
      headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
  }
  const from = mail.from?.value[0];
  return {
    messageIdHeader: mail.messageId ?? null,
    fromAddress: from?.address ?? null,
    fromName: from?.name || null,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject: mail.subject ?? '',
    date: mail.date ?? null,
    text: mail.text ?? null,
    html: typeof mail.html === 'string' ? mail.html : null,
    headers,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.size,
    })),
    size: source.length,
    raw: source.toString('utf8'),
  };
}
