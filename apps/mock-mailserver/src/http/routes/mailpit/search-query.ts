import { htmlToText } from '../../../codes/html-to-text.js';
import type { MailAddress, StoredMessage } from '../../../types.js';
import { bccOf, partsOf } from './shape.js';

// Mailpit's search syntax (https://mailpit.axllent.org/docs/usage/search-filters/), read the way
// Mailpit reads it: words and "quoted phrases" that must all match, case-insensitively;
// `-` or `!` before a term excludes; `field:value` narrows a term to a field.

export type SearchField =
  | 'text'
  | 'to'
  | 'from'
  | 'cc'
  | 'bcc'
  | 'reply-to'
  | 'addressed'
  | 'subject'
  | 'message-id'
  | 'tag'
  | 'is:read'
  | 'is:unread'
  | 'is:tagged'
  | 'has:attachment'
  | 'has:inline'
  | 'after'
  | 'before'
  | 'larger'
  | 'smaller';

export interface SearchTerm {
  field: SearchField;
  /** The text to look for, or a time in ms (`after`, `before`) or bytes (`larger`, `smaller`) as a string. */
  value: string;
  exclude: boolean;
}

export interface SearchOptions {
  /** IANA zone for dates without one in `before:` / `after:` (Mailpit's `tz` parameter); default the process's. */
  tz?: string | undefined;
}

/**
 * Splits a query into terms: whitespace separates, double quotes group (and are dropped), so
 * `to:"Ann Lee"` is one term.
 */
export function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (const char of query) {
    if (char === '"') {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(char)) {
      if (started) tokens.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) tokens.push(current);
  return tokens;
}

/** Mailpit's normalisation of searched text and of search values: no brackets, quotes, commas or semicolons; collapsed, lower case. */
export function cleanText(text: string): string {
  return text
    .replace(/\uFEFF/g, ' ')
    .replace(/\r?\n|\t|[<>",;()]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

const PREFIXES: Array<[string, SearchField]> = [
  ['to:', 'to'],
  ['from:', 'from'],
  ['cc:', 'cc'],
  ['bcc:', 'bcc'],
  ['reply-to:', 'reply-to'],
  ['addressed:', 'addressed'],
  ['subject:', 'subject'],
  ['message-id:', 'message-id'],
  ['tag:', 'tag'],
];

const FLAGS: Record<string, SearchField> = {
  'is:read': 'is:read',
  'is:unread': 'is:unread',
  'is:tagged': 'is:tagged',
  'has:attachment': 'has:attachment',
  'has:attachments': 'has:attachment',
  'has:inline': 'has:inline',
  'has:inlines': 'has:inline',
};

/** `2kb`, `1.5M`, `300` → bytes; 0 when it is not a size. */
export function sizeToBytes(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s?([a-z]{1,2})?$/.exec(value.toLowerCase());
  if (!match) return 0;
  const n = Number(match[1]);
  const unit = match[2] ?? '';
  if (unit === '') return Math.floor(n);
  if (unit === 'k' || unit === 'kb') return Math.floor(n * 1024);
  if (unit === 'm' || unit === 'mb') return Math.floor(n * 1024 * 1024);
  return 0;
}

/** The offset (ms) of a zone from UTC at an instant. */
function zoneOffset(epochMs: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** A wall-clock time in a zone (or the process's zone) as epoch ms. */
function wallTime(fields: number[], tz: string | undefined): number {
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0, ms = 0] = fields;
  if (!tz) return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  let epoch = asUtc - zoneOffset(asUtc, tz);
  // Around a DST change the offset at the guess can differ from the offset at the answer.
  const second = asUtc - zoneOffset(epoch, tz);
  if (second !== epoch) epoch = second;
  return epoch;
}

function validZone(tz: string | undefined): string | undefined {
  if (!tz) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    // Mailpit ignores an unknown zone and uses its own.
    return undefined;
  }
}

/**
 * A date in the forms people type (`2024/04/01`, `2024-04-01 13:45`, ISO 8601 with a zone,
 * `04/01/2024` as US month/day, `20240401`, Unix seconds or milliseconds) as epoch ms, or
 * null. A date without a zone is read in `tz`.
 */
export function parseSearchDate(value: string, tz?: string): number | null {
  const zone = validZone(tz);
  const v = value.trim();
  if (/^\d{8}$/.test(v)) return wallTime([+v.slice(0, 4), +v.slice(4, 6), +v.slice(6, 8)], zone);
  if (/^\d{10}$/.test(v)) return Number(v) * 1000;
  if (/^\d{13}$/.test(v)) return Number(v);
  const time = String.raw`(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?`;
  const ymd = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${time}$`, 'i').exec(v);
  const mdy = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${time}$`, 'i').exec(v);
  const match = ymd ?? mdy;
  if (match) {
    const [year, month, day] = ymd ? [match[1], match[2], match[3]] : [match[3], match[1], match[2]];
    const fields = [year, month, day, match[4], match[5], match[6]].map((f) => Number(f ?? 0));
    fields.push(Number((match[7] ?? '0').padEnd(3, '0').slice(0, 3)));
    const [y, mo, d] = fields as [number, number, number];
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
    const offset = match[8];
    if (!offset) return wallTime(fields, zone);
    const utc = Date.UTC(y, mo - 1, d, fields[3], fields[4], fields[5], fields[6]);
    if (offset.toUpperCase() === 'Z') return utc;
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    return utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const parsed = Date.parse(v);
  return Number.isNaN(parsed) ? null : parsed;
}

/** Parses a query into terms; terms Mailpit would ignore (no letter or digit, an invalid date) are left out. */
export function parseSearch(query: string, options: SearchOptions = {}): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (let word of tokenize(query)) {
    if (cleanText(word) === '') continue;
    let exclude = false;
    if (word.length > 1 && (word.startsWith('-') || word.startsWith('!'))) {
      exclude = true;
      word = word.slice(1);
    }
    if (!/[a-zA-Z0-9]/.test(word)) continue;
    const lower = word.toLowerCase();

    const prefix = PREFIXES.find(([p]) => lower.startsWith(p));
    if (prefix) {
      const [p, field] = prefix;
      const rest = word.slice(p.length);
      // Subject values are matched as typed; the others are cleaned like the searched text.
      const value = field === 'subject' ? rest : cleanText(rest);
      if (value !== '') terms.push({ field, value, exclude });
      continue;
    }
    const flag = FLAGS[lower];
    if (flag) {
      terms.push({ field: flag, value: '', exclude });
      continue;
    }
    const dateField = lower.startsWith('after:') ? 'after' : lower.startsWith('before:') ? 'before' : null;
    if (dateField) {
      const raw = cleanText(word.slice(dateField.length + 1));
      const ms = raw === '' ? null : parseSearchDate(raw, options.tz);
      if (ms !== null) terms.push({ field: dateField, value: String(ms), exclude });
      continue;
    }
    const sizeField = lower.startsWith('larger:')
      ? 'larger'
      : lower.startsWith('smaller:')
        ? 'smaller'
        : null;
    if (sizeField) {
      const bytes = sizeToBytes(cleanText(word.slice(sizeField.length + 1)));
      if (bytes > 0) {
        terms.push({ field: sizeField, value: String(bytes), exclude });
        continue;
      }
    }
    terms.push({ field: 'text', value: cleanText(word), exclude });
  }
  return terms;
}

// The searched text of a message is built once per stored object (a change of read state or
// tags makes a new object, and its text again).
const searchTexts = new WeakMap<StoredMessage, string>();

const listed = (addresses: MailAddress[]) =>
  addresses.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');

/** What a plain word is looked for in: the address headers, subject, body (HTML as text, else text) and attachment names. */
export function searchTextOf(m: StoredMessage): string {
  let text = searchTexts.get(m);
  if (text === undefined) {
    const body = m.html?.trim() ? htmlToText(m.html) : m.text;
    text = cleanText(
      [
        m.from ? listed([m.from]) : '',
        m.subject,
        listed(m.to),
        listed(m.cc),
        listed(bccOf(m)),
        listed(m.replyTo),
        m.headers['return-path'] ?? m.envelope.mailFrom,
        body,
        ...partsOf(m).attachments.map((a) => a.filename ?? ''),
      ].join(' '),
    );
    searchTexts.set(m, text);
  }
  return text;
}

const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());
const anyAddress = (addresses: MailAddress[], value: string) =>
  addresses.some((a) => contains(a.name, value) || contains(a.address, value));

function matches(m: StoredMessage, term: SearchTerm): boolean {
  const v = term.value;
  switch (term.field) {
    case 'text':
      return searchTextOf(m).includes(v);
    case 'to':
      return anyAddress(m.to, v);
    case 'from':
      return anyAddress(m.from ? [m.from] : [], v);
    case 'cc':
      return anyAddress(m.cc, v);
    case 'bcc':
      return anyAddress(bccOf(m), v);
    case 'reply-to':
      return anyAddress(m.replyTo, v);
    case 'addressed':
      return anyAddress([...(m.from ? [m.from] : []), ...m.to, ...m.cc, ...bccOf(m), ...m.replyTo], v);
    case 'subject':
      return contains(m.subject, v);
    case 'message-id':
      return contains(m.messageId ?? '', v);
    case 'tag':
      return m.tags.some((tag) => tag.toLowerCase() === v.toLowerCase());
    case 'is:read':
      return m.read;
    case 'is:unread':
      return !m.read;
    case 'is:tagged':
      return m.tags.length > 0;
    case 'has:attachment':
      return partsOf(m).attachments.length > 0;
    case 'has:inline':
      return partsOf(m).inline.length > 0;
    // The bound itself is included, as in Mailpit.
    case 'after':
      return Date.parse(m.receivedAt) >= Number(v);
    case 'before':
      return Date.parse(m.receivedAt) <= Number(v);
    case 'larger':
      return m.size > Number(v);
    case 'smaller':
      return m.size < Number(v);
  }
}

/** A predicate for a query: every term must match (an excluded one must not). */
export function compileSearch(query: string, options: SearchOptions = {}): (m: StoredMessage) => boolean {
  const terms = parseSearch(query, options);
  return (m) => terms.every((term) => matches(m, term) !== term.exclude);
}
