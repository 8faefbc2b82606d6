import type { StoredMessage } from '../types.js';
import { parseDate } from './encode.js';
import { hasFlag } from './flags.js';
import { atom, ImapParseError, type Token, text } from './parser.js';
import { isSequenceSet, parseSequenceSet } from './sequence.js';

/** What a search key is tested against: one message of the selected mailbox. */
export interface SearchSubject {
  message: StoredMessage;
  flags: string[];
  seq: number;
  uid: number;
  /** The largest sequence number and UID in the mailbox, for `*`. */
  maxSeq: number;
  maxUid: number;
}

export type SearchPredicate = (subject: SearchSubject) => boolean;

const DAY_MS = 86_400_000;

/** Decodes RFC 2047 encoded words, so HEADER finds `Grüße` in `=?utf-8?q?Gr=C3=BC=C3=9Fe?=`. */
export function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?/g,
    (whole, charset: string, enc, data) => {
      try {
        const bytes =
          enc.toUpperCase() === 'B'
            ? Buffer.from(data, 'base64')
            : Buffer.from(
                data
                  .replace(/_/g, ' ')
                  .replace(/=([0-9a-fA-F]{2})/g, (_m: string, h: string) =>
                    String.fromCharCode(Number.parseInt(h, 16)),
                  ),
                'latin1',
              );
        return new TextDecoder(charset.replace(/\*.*$/, '')).decode(bytes);
      } catch {
        return whole;
      }
    },
  );
}

function contains(haystack: Array<string | null | undefined>, needle: string): boolean {
  const n = needle.toLowerCase();
  return haystack.some((h) => !!h && h.toLowerCase().includes(n));
}

function header(m: StoredMessage, name: string): string[] {
  const raw = m.headers[name];
  return raw === undefined ? [] : [raw, decodeWords(raw)];
}

const addresses = (list: StoredMessage['to']) => list.flatMap((a) => [a.name, a.address]);

function internalMs(m: StoredMessage): number {
  return Date.parse(m.internalDate ?? m.receivedAt);
}

function sentMs(m: StoredMessage): number {
  return m.date ? Date.parse(m.date) : internalMs(m);
}

/** The UTC day a moment falls on, as the midnight starting it. */
const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

function inRanges(value: number, ranges: ReturnType<typeof parseSequenceSet>, star: number): boolean {
  return ranges.some(([a, b]) => {
    const x = a ?? star;
    const y = b ?? star;
    return value >= Math.min(x, y) && value <= Math.max(x, y);
  });
}

/**
 * Compiles SEARCH keys (RFC 3501 6.4.4) into one predicate; the keys are ANDed. Throws
 * ImapParseError for an unknown key or a missing argument.
 */
export function compileSearch(tokens: Token[]): SearchPredicate {
  let i = 0;
  const next = (what: string) => {
    const token = tokens[i++];
    if (!token) throw new ImapParseError(`SEARCH: ${what} missing`);
    return token;
  };
  const date = (key: string) => {
    const value = text(next(`date after ${key}`));
    const day = parseDate(value);
    if (day === null)
      throw new ImapParseError(`SEARCH: ${key} needs a date such as 1-Feb-2026, got ${value}`);
    return day;
  };
  const number = (key: string) => {
    const value = text(next(`number after ${key}`));
    if (!/^\d+$/.test(value)) throw new ImapParseError(`SEARCH: ${key} needs a number, got ${value}`);
    return Number(value);
  };
  const flag =
    (name: string, want: boolean): SearchPredicate =>
    (s) =>
      hasFlag(s.flags, name) === want;

  const one = (): SearchPredicate => {
    const token = next('search key');
    if (token.type === 'list') {
      const inner = compileSearch(token.items);
      return inner;
    }
    if (token.type === 'atom' && isSequenceSet(token.value)) {
      const ranges = parseSequenceSet(token.value);
      return (s) => inRanges(s.seq, ranges, s.maxSeq);
    }
    const key = atom(token, 'a search key');
    switch (key) {
      case 'ALL':
        return () => true;
      case 'ANSWERED':
      case 'DELETED':
      case 'DRAFT':
      case 'FLAGGED':
      case 'SEEN':
        return flag(`\\${key}`, true);
      case 'UNANSWERED':
      case 'UNDELETED':
      case 'UNDRAFT':
      case 'UNFLAGGED':
      case 'UNSEEN':
        return flag(`\\${key.slice(2)}`, false);
      case 'KEYWORD':
        return flag(text(next('keyword')), true);
      case 'UNKEYWORD':
        return flag(text(next('keyword')), false);
      // \Recent is never set here: no session is first to see a message.
      case 'RECENT':
      case 'NEW':
        return () => false;
      case 'OLD':
        return () => true;
      case 'FROM': {
        const needle = text(next('FROM string'));
        return ({ message: m }) =>
          contains([m.envelope.mailFrom, m.from?.name, m.from?.address, ...header(m, 'from')], needle);
      }
      case 'TO': {
        const needle = text(next('TO string'));
        return ({ message: m }) => contains([...addresses(m.to), ...header(m, 'to')], needle);
      }
      case 'CC': {
        const needle = text(next('CC string'));
        return ({ message: m }) => contains([...addresses(m.cc), ...header(m, 'cc')], needle);
      }
      case 'BCC': {
        const needle = text(next('BCC string'));
        return ({ message: m }) => contains(header(m, 'bcc'), needle);
      }
      case 'SUBJECT': {
        const needle = text(next('SUBJECT string'));
        return ({ message: m }) => contains([m.subject, ...header(m, 'subject')], needle);
      }
      case 'BODY': {
        const needle = text(next('BODY string'));
        return ({ message: m }) => contains([m.text, m.html], needle);
      }
      case 'TEXT': {
        const needle = text(next('TEXT string'));
        return ({ message: m }) =>
          contains(
            [m.text, m.html, m.subject, ...Object.values(m.headers).flatMap((v) => [v, decodeWords(v)])],
            needle,
          );
      }
      case 'HEADER': {
        const name = text(next('header name')).toLowerCase();
        const needle = text(next('HEADER string'));
        return ({ message: m }) => {
          const values = header(m, name);
          return needle === '' ? values.length > 0 : contains(values, needle);
        };
      }
      case 'SINCE': {
        const day = date(key);
        return ({ message: m }) => dayOf(internalMs(m)) >= day;
      }
      case 'BEFORE': {
        const day = date(key);
        return ({ message: m }) => dayOf(internalMs(m)) < day;
      }
      case 'ON': {
        const day = date(key);
        return ({ message: m }) => dayOf(internalMs(m)) === day;
      }
      case 'SENTSINCE': {
        const day = date(key);
        return ({ message: m }) => dayOf(sentMs(m)) >= day;
      }
      case 'SENTBEFORE': {
        const day = date(key);
        return ({ message: m }) => dayOf(sentMs(m)) < day;
      }
      case 'SENTON': {
        const day = date(key);
        return ({ message: m }) => dayOf(sentMs(m)) === day;
      }
      case 'LARGER': {
        const n = number(key);
        return ({ message: m }) => m.size > n;
      }
      case 'SMALLER': {
        const n = number(key);
        return ({ message: m }) => m.size < n;
      }
      case 'UID': {
        const ranges = parseSequenceSet(text(next('UID set')));
        return (s) => inRanges(s.uid, ranges, s.maxUid);
      }
      case 'NOT': {
        const inner = one();
        return (s) => !inner(s);
      }
      case 'OR': {
        const a = one();
        const b = one();
        return (s) => a(s) || b(s);
      }
      default:
        throw new ImapParseError(`SEARCH: unknown key ${key}`);
    }
  };

  const all: SearchPredicate[] = [];
  while (i < tokens.length) all.push(one());
  if (all.length === 0) throw new ImapParseError('SEARCH needs at least one key');
  return (s) => all.every((p) => p(s));
}
