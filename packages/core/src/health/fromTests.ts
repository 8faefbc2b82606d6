import type { Direction, Health, HealthPart } from '../schemas/account';

export type LastTest = {
  direction: Direction;
  ok: boolean;
  at: string;
  durationMs: number;
  errorCode?: string;
  message?: string;
  /** The library's own words behind the message (an OpenSSL line): technical detail. */
  detail?: string;
};

const label = (d: Direction) => (d === 'outgoing' ? 'Outgoing' : 'Incoming');

/** A direction's health from its last test: a refused login is `auth_failed`, any other failure `failing`. */
export function partFromTest(t: LastTest): HealthPart {
  if (t.ok) return { health: 'ok', reason: `${label(t.direction)} test passed`, since: t.at };
  return {
    health: t.errorCode === 'auth' ? 'auth_failed' : 'failing',
    reason: `${label(t.direction)} test failed: ${t.message ?? t.errorCode}`,
    since: t.at,
  };
}

/**
 * An account's health from the last test of each direction: a refused login anywhere is `auth_failed`,
 * any other failure `failing`, all passing `ok`; so passing outgoing does not hide a broken incoming.
 */
export function healthFromTests(lastTest: Record<string, LastTest | undefined>): {
  health: Health;
  reason: string | null;
} {
  const tests = Object.values(lastTest).filter((t): t is LastTest => Boolean(t));
  const auth = tests.find((t) => !t.ok && t.errorCode === 'auth');
  if (auth) return { health: 'auth_failed', reason: partFromTest(auth).reason };
  const failed = tests.find((t) => !t.ok);
  if (failed) return { health: 'failing', reason: partFromTest(failed).reason };
  if (tests.length === 0) return { health: 'unknown', reason: null };
  return { health: 'ok', reason: `${tests.map((t) => t.direction).join(' and ')} test passed` };
}
