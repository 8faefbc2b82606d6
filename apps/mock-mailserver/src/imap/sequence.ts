import { ImapParseError } from './parser.js';

/** One range of a sequence set; `null` stands for `*`, the largest number in use. */
type Range = [number | null, number | null];

/** Whether an atom looks like a sequence set (`1`, `2:4`, `5:*`, `1,3:7`). */
export function isSequenceSet(value: string): boolean {
  return /^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(value);
}

/** Parses a sequence set (RFC 3501 `sequence-set`); throws ImapParseError when it is not one. */
export function parseSequenceSet(value: string): Range[] {
  if (!isSequenceSet(value)) throw new ImapParseError(`invalid sequence set ${JSON.stringify(value)}`);
  return value.split(',').map((part) => {
    const [a, b = a] = part.split(':') as [string, string?];
    const num = (s: string) => {
      if (s === '*') return null;
      const n = Number(s);
      if (n < 1 || n > 0xffffffff) throw new ImapParseError(`invalid number ${s} in a sequence set`);
      return n;
    };
    return [num(a), num(b)];
  });
}

/** Lowest index in the sorted list whose value is at least `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The indexes (ascending, each once) of the values a set names, in a sorted list of values:
 * UIDs, or 1..n for sequence numbers. `*` is the largest value; `5:*` with every value below 5
 * still names the largest (RFC 3501 6.4.8).
 */
export function resolveSet(ranges: Range[], sorted: readonly number[]): number[] {
  if (sorted.length === 0) return [];
  const star = sorted[sorted.length - 1]!;
  const picked = new Set<number>();
  for (const [a, b] of ranges) {
    const x = a ?? star;
    const y = b ?? star;
    const lo = Math.min(x, y);
    const hi = Math.max(x, y);
    for (let i = lowerBound(sorted, lo); i < sorted.length && sorted[i]! <= hi; i++) picked.add(i);
  }
  return [...picked].sort((p, q) => p - q);
}

/** A sorted list of UIDs written compactly as a sequence set (`3:5,9`), for COPYUID and APPENDUID. */
export function compactSet(values: readonly number[]): string {
  const parts: string[] = [];
  let start = values[0];
  let prev = start;
  for (let i = 1; i <= values.length; i++) {
    const v = values[i];
    if (v !== undefined && prev !== undefined && v === prev + 1) {
      prev = v;
      continue;
    }
    if (start !== undefined) parts.push(start === prev ? String(start) : `${start}:${prev}`);
    start = v;
    prev = v;
  }
  return parts.join(',');
}
