import type { Direction, Health } from '../schemas/account';

export type LastTest = {
  direction: Direction;
  ok: boolean;
  at: string;
  durationMs: number;
  errorCode?: string;
  message?: string;
};

/**
 * An account's health from the last test of each direction: a refused login anywhere is `auth_failed`,
 * any other failure `failing`, all passing `ok`; so passing outgoing does not hide a broken incoming.
 */
export function healthFromTests(lastTest: Record<string, LastTest | undefined>): {
  health: Health;
  reason: string | null;
} {
  const tests = Object.values(lastTest).filter((t): t is LastTest => Boolean(t));
  const label = (t: LastTest) =>
    `${t.direction === 'outgoing' ? 'Outgoing' : 'Incoming'} test failed: ${t.message ?? t.errorCode}`;
  const auth = tests.find((t) => !t.ok && t.errorCode === 'auth');
  if (auth) return { health: 'auth_failed', reason: label(auth) };
  const failed = tests.find((t) => !t.ok);
  if (failed) return { health: 'failing', reason: label(failed) };
  if (tests.length === 0) return { health: 'unknown', reason: null };
  return { health: 'ok', reason: `${tests.map((t) => t.direction).join(' and ')} test passed` };
}
