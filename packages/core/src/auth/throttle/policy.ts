import { isIP } from 'node:net';
import { sha256 } from '../../security/hash';

// The numbers follow the OWASP Authentication Cheat Sheet: count failures per account *and* per source,
// slow an account down with a growing delay rather than lock it (a lockout lets anyone deny its owner),
// and refuse only the source that keeps failing. NIST SP 800-63B 5.2.2 bounds an account at 100
// consecutive failures; here one address gets 10 per window, and many addresses only get slower answers.

/** Failures are counted in a window that starts at the first failure; a quiet window starts afresh. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Failures one address may make in a window (typos from a whole office behind one NAT fit in it). */
export const ADDRESS_MAX_FAILURES = 10;
/** How long an address past ADDRESS_MAX_FAILURES is refused (429): as long as the window, so the lock
 * outlasts the window that caused it and the next window starts clean. */
export const ADDRESS_LOCK_MS = 15 * 60_000;
/** Failures answered at full speed: a person's typos and caps lock are not slowed. */
export const FREE_FAILURES = 3;
/** The first delay, doubled for each further failure (OWASP's exponential back-off starts near a second). */
export const DELAY_BASE_MS = 1_000;
/** The longest delay: long enough to make guessing slow, short enough that the owner signing in
 * during an attack waits a few seconds and no more (and a waiting answer holds only a timer). */
export const DELAY_MAX_MS = 3_000;

/** The delay before answering a sign-in, given the failures already counted for its address or account. */
export function delayFor(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(DELAY_BASE_MS * 2 ** (failures - FREE_FAILURES), DELAY_MAX_MS);
}

export type ThrottleKind = 'address' | 'account';

/** The stored key: a digest, so the table keeps no address or typed email in clear. */
export function throttleKey(kind: ThrottleKind, value: string): string {
  return sha256(`${kind}:${kind === 'address' ? addressGroup(value) : value.trim().toLowerCase()}`);
}

/**
 * The unit an address is counted in: an IPv4 address, or the /64 an IPv6 address belongs to (one host
 * usually holds a whole /64 and could otherwise take a fresh address for every guess).
 */
export function addressGroup(address: string): string {
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped?.[1]) return mapped[1];
  if (isIP(a) !== 6) return a;
  return `${expandIPv6(a).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  let a = address.split('%')[0] ?? address;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, v4.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head = '', tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => Number.parseInt(g, 16).toString(16));
}
