/**
 * Response encoding. Response text is built as "byte strings" (latin1: one char per byte), so
 * raw header bytes pass through unchanged; `utf8` turns a JavaScript string into one.
 */

/** A piece of a response: a byte string or raw bytes (a literal's content). */
export type Piece = string | Buffer;

/** A JavaScript (Unicode) string as a byte string of its UTF-8. */
export function utf8(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is the common case worth skipping.
  return /^[\x00-\x7f]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}

/** A byte string as a quoted string, or as a literal when quoting cannot carry it (8-bit, CR, LF, NUL, long). */
export function string(bytes: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters force a literal.
  if (bytes.length > 1000 || /[\x00\r\n\x80-\xff]/.test(bytes)) return `{${bytes.length}}\r\n${bytes}`;
  return `"${bytes.replace(/[\\"]/g, '\\$&')}"`;
}

/** NIL for null/undefined/empty, else a string. */
export function nstring(bytes: string | null | undefined): string {
  return bytes === null || bytes === undefined || bytes === '' ? 'NIL' : string(bytes);
}

/** A literal carrying raw bytes. */
export function literal(bytes: Buffer): Piece[] {
  return [`{${bytes.length}}\r\n`, bytes];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** INTERNALDATE as RFC 3501 writes it, in UTC: `"05-Jan-2026 09:30:00 +0000"`. */
export function internalDate(iso: string): string {
  const d = new Date(iso);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `"${day}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${time} +0000"`;
}

/** Parses an APPEND date-time (`"5-Jan-2026 09:30:00 +0100"`), or returns null. */
export function parseDateTime(value: string): Date | null {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(value);
  if (!m) return null;
  const month = MONTHS.findIndex((name) => name.toLowerCase() === m[2]!.toLowerCase());
  if (month === -1) return null;
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  const utc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(utc) ? null : new Date(utc - offset);
}

/** Parses a SEARCH date (`1-Feb-2026`) into the UTC midnight starting it, or returns null. */
export function parseDate(value: string): number | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(value);
  if (!m) return null;
  const month = MONTHS.findIndex((name) => name.toLowerCase() === m[2]!.toLowerCase());
  if (month === -1) return null;
  return Date.UTC(Number(m[3]), month, Number(m[1]));
}
