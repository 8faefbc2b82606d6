import type { MailAddress } from '../types.js';

// Tags follow Mailpit's rules, so a suite written for it sees the same labels: letters,
// digits, `-`, `_`, `.` and spaces; anything else becomes a space; runs of spaces collapse.

const INVALID = /[^a-zA-Z0-9\-_. ]/g;

/** A tag as Mailpit would keep it, or '' when nothing valid is left. */
export function cleanTag(tag: string): string {
  return tag.replace(INVALID, ' ').replace(/\s+/g, ' ').trim();
}

/** Cleaned, without empties, unique regardless of case (first spelling wins), sorted. */
export function normaliseTags(tags: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = cleanTag(raw);
    const key = tag.toLowerCase();
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  // Byte order, as Go's sort.Strings (uppercase before lowercase).
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `ann+t1+t2@x.org` → `['t1', 't2']`. */
function plusTags(address: string): string[] {
  const at = address.lastIndexOf('@');
  const local = at === -1 ? address : address.slice(0, at);
  const plus = local.indexOf('+');
  return plus === -1 ? [] : local.slice(plus + 1).split('+');
}

/** The tags a message arrives with: its `X-Tags` header and the plus tags of its addresses. */
export function arrivalTags(input: {
  xTags: string | undefined;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  rcptTo: string[];
}): string[] {
  const tags: string[] = input.xTags ? input.xTags.split(',') : [];
  const addresses = [
    ...(input.from ? [input.from.address] : []),
    ...input.to.map((a) => a.address),
    ...input.cc.map((a) => a.address),
    ...input.rcptTo,
  ];
  for (const address of addresses) tags.push(...plusTags(address));
  return normaliseTags(tags);
}
