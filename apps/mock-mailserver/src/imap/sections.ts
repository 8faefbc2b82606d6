import type { MimeNode } from './mime.js';
import { ImapParseError } from './parser.js';

/** A `BODY[...]` section: a part path and what of it (RFC 3501 6.4.5). */
export interface Section {
  path: number[];
  text: 'ALL' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Lower-case header names for HEADER.FIELDS (.NOT). */
  headers: string[];
}

/** Parses what is between the brackets of `BODY[...]`. */
export function parseSection(spec: string): Section {
  const m =
    /^((?:\d+\.)*\d+)?(?:\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME))?(?:\s*\((.*)\))?$/is.exec(
      spec.trim(),
    );
  if (!m) throw new ImapParseError(`invalid section [${spec}]`);
  const path = m[1] ? m[1].split('.').map(Number) : [];
  if (path.some((n) => n < 1)) throw new ImapParseError(`invalid part number in [${spec}]`);
  const text = (m[2]?.toUpperCase() ?? 'ALL') as Section['text'];
  if (m[1] && m[2] && !spec.slice(m[1].length).startsWith('.'))
    throw new ImapParseError(`invalid section [${spec}]`);
  if (text === 'MIME' && path.length === 0) throw new ImapParseError('MIME needs a part number');
  const fieldsList = text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT';
  if (fieldsList !== (m[3] !== undefined)) throw new ImapParseError(`invalid section [${spec}]`);
  const headers = (m[3] ?? '')
    .split(/\s+/)
    .map((h) => h.replace(/^"|"$/g, '').toLowerCase())
    .filter(Boolean);
  if (fieldsList && headers.length === 0) throw new ImapParseError('HEADER.FIELDS needs header names');
  return { path, text, headers };
}

/** The node a part path names, or null when the message has no such part. */
function resolvePart(root: MimeNode, path: number[]): MimeNode | null {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const k = path[i]!;
    // Past the first step, a message/rfc822 part's sub-parts are those of the message it carries.
    const container = i > 0 && node.message ? node.message : node;
    if (container.children) {
      const child = container.children[k - 1];
      if (!child) return null;
      node = child;
    } else if (k === 1) node = container;
    else return null;
  }
  return node;
}

/** The header lines of a header block that are (or, with `not`, are not) among the names, and the blank line. */
function headerFields(node: MimeNode, names: string[], not: boolean): Buffer {
  const wanted = new Set(names);
  const lines = node.fields.filter((f) => wanted.has(f.key) !== not).map((f) => f.raw);
  return Buffer.from(`${lines.join('')}\r\n`, 'latin1');
}

/** The bytes a section names, or null when the message has no such part (answered as an empty string). */
export function sectionContent(raw: Buffer, root: MimeNode, section: Section): Buffer | null {
  if (section.path.length === 0) {
    switch (section.text) {
      case 'ALL':
        return raw;
      case 'HEADER':
        return root.header;
      case 'TEXT':
        return root.body;
      case 'HEADER.FIELDS':
      case 'HEADER.FIELDS.NOT':
        return headerFields(root, section.headers, section.text === 'HEADER.FIELDS.NOT');
      default:
        return null;
    }
  }
  const node = resolvePart(root, section.path);
  if (!node) return null;
  if (section.text === 'ALL') return node.body;
  if (section.text === 'MIME') return node.header;
  // HEADER and TEXT of a part are those of the message a message/rfc822 part carries.
  const message = node.message;
  if (!message) return null;
  if (section.text === 'HEADER') return message.header;
  if (section.text === 'TEXT') return message.body;
  return headerFields(message, section.headers, section.text === 'HEADER.FIELDS.NOT');
}
