import type { AccountRow } from '../accounts/types';
import type { Direction, Health, HealthPart, HealthParts } from '../schemas/account';
import { type LastTest, partFromTest } from './fromTests';

const rank: Record<Health, number> = { unknown: 0, ok: 1, degraded: 2, failing: 3, auth_failed: 4 };

/** How a health reads in a sentence ("auth failed", "failing"). */
export const healthWords = (h: Health): string => (h === 'auth_failed' ? 'auth failed' : h);

/** The directions an account has, in a fixed order. */
export function directionsOf(row: Pick<AccountRow, 'outgoing' | 'incoming'>): Direction[] {
  return [row.outgoing ? 'outgoing' : null, row.incoming ? 'incoming' : null].filter(
    (d): d is Direction => d !== null,
  );
}

/**
 * A direction's health: what its latest evidence said (stored part), else its last test (accounts tested
 * before parts were stored, or never used since).
 */
export function partOf(
  row: Pick<AccountRow, 'healthParts' | 'lastTest'>,
  direction: Direction,
): HealthPart | undefined {
  const stored = row.healthParts[direction];
  if (stored) return stored;
  const test = (row.lastTest as Record<string, LastTest | undefined>)[direction];
  return test ? partFromTest(test) : undefined;
}

/**
 * The account's health from its directions' parts: the worst one wins (auth failed, failing, degraded, ok,
 * unknown), and the reason says every direction in that state; all fine says what works.
 */
export function combineHealth(parts: HealthPart[]): { health: Health; reason: string | null } {
  const known = parts.filter((p) => p.health !== 'unknown');
  // Nothing known: why not, if a part says ("Incoming: settings changed since the last test").
  if (known.length === 0)
    return {
      health: 'unknown',
      reason: joinReasons(parts.map((p) => p.reason)),
    };
  const worst = known.reduce((a, b) => (rank[b.health] > rank[a.health] ? b : a));
  const reasons =
    worst.health === 'ok'
      ? known.map((p) => p.reason)
      : known.filter((p) => rank[p.health] > rank.ok).map((p) => p.reason);
  return { health: worst.health, reason: joinReasons(reasons) };
}

/** "A. ; B." reads badly: every reason but the last loses its closing full stop before the semicolon. */
function joinReasons(reasons: (string | null | undefined)[]): string | null {
  const present = reasons.filter((r): r is string => !!r);
  const text = present.map((r, i) => (i < present.length - 1 ? r.replace(/\.$/, '') : r)).join('; ');
  return text || null;
}

/** The account's health with `direction`'s part replaced by `part`. */
export function healthWith(
  row: Pick<AccountRow, 'healthParts' | 'lastTest' | 'outgoing' | 'incoming'>,
  direction: Direction,
  part: HealthPart | null,
): { health: Health; reason: string | null; parts: HealthParts } {
  const parts: HealthParts = { ...row.healthParts };
  if (part) parts[direction] = part;
  else delete parts[direction];
  const next = { ...row, healthParts: parts };
  const each = directionsOf(row)
    .map((d) => partOf(next, d))
    .filter((p): p is HealthPart => p !== undefined);
  return { ...combineHealth(each), parts };
}
