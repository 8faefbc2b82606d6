/**
 * A MIME walker over the raw source: the tree of parts with the exact byte ranges IMAP serves
 * (BODY[1.2], BODY[HEADER], sizes and line counts in BODYSTRUCTURE). mailparser, which the
 * store uses, decodes contents and does not keep those ranges.
 */

export interface HeaderField {
  /** Lower case. */
  key: string;
  /** Unfolded, raw (encoded words left as they are). */
  value: string;
  /** The field's lines as they were, with their line breaks. */
  raw: string;
}

export interface ContentValue {
  value: string;
  params: Array<[string, string]>;
}

export interface MimeNode {
  /** The header block with the blank line that ends it. */
  header: Buffer;
  body: Buffer;
  fields: HeaderField[];
  type: string;
  subtype: string;
  params: Array<[string, string]>;
  /** The parts of a multipart. */
  children: MimeNode[] | null;
  /** The message a message/rfc822 part carries. */
  message: MimeNode | null;
}

/** The value of the first field with this name (lower case), or null. */
export function field(node: MimeNode, key: string): string | null {
  return node.fields.find((f) => f.key === key)?.value ?? null;
}

/** Splits header bytes into fields, unfolding continuation lines. */
export function parseFields(header: Buffer): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = header.toString('latin1').split(/(?<=\n)/);
  for (const line of lines) {
    if (/^\r?\n$/.test(line)) break;
    const last = fields[fields.length - 1];
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      last.raw += line;
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({
      key: line.slice(0, colon).trim().toLowerCase(),
      value: line.slice(colon + 1).trim(),
      raw: line,
    });
  }
  for (const f of fields) f.value = f.value.trim();
  return fields;
}

/** `text/plain; charset="utf-8"; format=flowed` → value and parameters (names lower case, quotes removed). */
export function parseContentValue(input: string): ContentValue {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted && i + 1 < input.length) {
      current += c + input[++i];
      continue;
    }
    if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  const value = (parts.shift() ?? '').trim().toLowerCase();
  const params: Array<[string, string]> = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params.push([part.slice(0, eq).trim().toLowerCase(), v]);
  }
  return { value, params };
}

/** Where the header ends: the index just past the blank line, or -1 when there is none. */
function headerEnd(raw: Buffer): number {
  if (raw[0] === 0x0a) return 1;
  if (raw[0] === 0x0d && raw[1] === 0x0a) return 2;
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf === -1) return lf === -1 ? -1 : lf + 2;
  if (lf === -1 || crlf < lf) return crlf + 4;
  return lf + 2;
}

const MAX_DEPTH = 20;

/** Parses one entity (a message or a body part) with its default content type. */
export function parseMime(raw: Buffer, defaultType = 'text/plain', depth = 0): MimeNode {
  const end = headerEnd(raw);
  const header = end === -1 ? raw : raw.subarray(0, end);
  const body = end === -1 ? Buffer.alloc(0) : raw.subarray(end);
  const fields = parseFields(header);
  const contentType = fields.find((f) => f.key === 'content-type');
  let parsed = contentType ? parseContentValue(contentType.value) : null;
  if (!parsed || !/^[^/\s]+\/[^/\s]+$/.test(parsed.value)) {
    parsed = { value: defaultType, params: defaultType === 'text/plain' ? [['charset', 'us-ascii']] : [] };
  }
  const [type, subtype] = parsed.value.split('/') as [string, string];
  const node: MimeNode = {
    header,
    body,
    fields,
    type,
    subtype,
    params: parsed.params,
    children: null,
    message: null,
  };
  if (depth >= MAX_DEPTH) return node;
  const boundary = parsed.params.find(([k]) => k === 'boundary')?.[1];
  if (type === 'multipart' && boundary) {
    const childType = subtype === 'digest' ? 'message/rfc822' : 'text/plain';
    node.children = splitMultipart(body, boundary).map((part) => parseMime(part, childType, depth + 1));
  } else if (type === 'message' && (subtype === 'rfc822' || subtype === 'global')) {
    node.message = parseMime(body, 'text/plain', depth + 1);
  }
  return node;
}

/** The body parts of a multipart body: the bytes between delimiter lines, the CRLF before each delimiter excluded. */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: Buffer[] = [];
  let partStart = -1;
  let from = 0;
  for (;;) {
    const at = body.indexOf(delimiter, from);
    if (at === -1) break;
    from = at + delimiter.length;
    if (at > 0 && body[at - 1] !== 0x0a) continue;
    const closing = body[from] === 0x2d && body[from + 1] === 0x2d;
    if (partStart !== -1) {
      let end = at;
      if (end > 0 && body[end - 1] === 0x0a) end--;
      if (end > 0 && body[end - 1] === 0x0d) end--;
      parts.push(body.subarray(partStart, Math.max(partStart, end)));
    }
    if (closing) return parts;
    const eol = body.indexOf(0x0a, from);
    if (eol === -1) return parts;
    partStart = eol + 1;
  }
  // No closing delimiter: what follows the last delimiter is the last part.
  if (partStart !== -1) parts.push(body.subarray(partStart));
  return parts;
}

/** Lines in a body as IMAP counts them: line breaks, plus one for a last line without one. */
export function lineCount(body: Buffer): number {
  let lines = 0;
  let at = body.indexOf(0x0a);
  while (at !== -1) {
    lines++;
    at = body.indexOf(0x0a, at + 1);
  }
  if (body.length > 0 && body[body.length - 1] !== 0x0a) lines++;
  return lines;
}
