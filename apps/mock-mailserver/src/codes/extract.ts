import type { CodeMatch, CodesResult, LinkMatch } from '../types.js';
import { decodeEntities, htmlToText } from './html-to-text.js';

/** 4–8 digits standing alone: not glued to letters, other digits, or a decimal point / separator followed by more digits. */
export const DEFAULT_CODE_PATTERN = /(?<![\w.,:/-])\d{4,8}(?![\w]|[.,:/-]\d)/g;

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const EMAIL_PATTERN = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
const ANCHOR_PATTERN = /<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>([\s\S]*?)<\/a\s*>/gi;
const CONTEXT_CHARS = 40;

export class InvalidPatternError extends Error {}

/** Builds the code pattern from `pattern` (a regex source or `/source/flags`); always global. */
export function compilePattern(pattern?: string | RegExp | null): RegExp {
  if (!pattern) return DEFAULT_CODE_PATTERN;
  if (pattern instanceof RegExp) {
    return pattern.global ? pattern : new RegExp(pattern.source, pattern.flags + 'g');
  }
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  const [source, flags] = literal ? [literal[1]!, literal[2]!] : [pattern, ''];
  try {
    return new RegExp(source, flags.includes('g') ? flags : flags + 'g');
  } catch (error) {
    throw new InvalidPatternError(`invalid pattern: ${(error as Error).message}`);
  }
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

function context(text: string, start: number, end: number): string {
  return collapse(text.slice(Math.max(0, start - CONTEXT_CHARS), end + CONTEXT_CHARS));
}

/** Blanks out URLs and e-mail addresses (keeping offsets) so digits inside them are not read as codes. */
function mask(text: string): string {
  const blank = (m: string) => ' '.repeat(m.length);
  return text.replace(URL_PATTERN, blank).replace(EMAIL_PATTERN, blank);
}

function findCodes(
  text: string,
  pattern: RegExp,
  source: CodeMatch['source'],
  seen: Set<string>,
  out: CodeMatch[],
) {
  const masked = pattern === DEFAULT_CODE_PATTERN ? mask(text) : text;
  for (const match of masked.matchAll(pattern)) {
    const value = match.groups?.code ?? match[1] ?? match[0];
    if (!value || seen.has(value)) continue;
    seen.add(value);
    const start = match.index ?? 0;
    out.push({ value, context: context(text, start, start + match[0].length), source });
  }
}

const trimUrl = (url: string) => url.replace(/[.,;:!?)\]}]+$/, '');

/** Extracts confirmation codes and links from a message's text part and its HTML turned into text. */
export function extractCodes(
  message: { text: string; html: string | null },
  pattern?: string | RegExp | null,
): CodesResult {
  const regex = compilePattern(pattern);
  const codes: CodeMatch[] = [];
  const links: LinkMatch[] = [];
  const seenCodes = new Set<string>();
  const seenLinks = new Set<string>();

  findCodes(message.text, regex, 'text', seenCodes, codes);
  for (const match of message.text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    if (seenLinks.has(url)) continue;
    seenLinks.add(url);
    const start = match.index ?? 0;
    links.push({ url, context: context(message.text, start, start + match[0].length), source: 'text' });
  }

  if (message.html) {
    findCodes(htmlToText(message.html), regex, 'html', seenCodes, codes);
    for (const match of message.html.matchAll(ANCHOR_PATTERN)) {
      const url = decodeEntities((match[1] ?? match[2] ?? match[3] ?? '').trim());
      if (!/^https?:\/\//i.test(url) || seenLinks.has(url)) continue;
      seenLinks.add(url);
      links.push({ url, context: collapse(htmlToText(match[4] ?? '')), source: 'html' });
    }
  }
  return { codes, links };
}
