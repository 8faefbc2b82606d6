/** The longest a failing account waits between polls. */
export const POLL_BACKOFF_CAP_MS = 30 * 60_000;
/** While an account keeps failing the same way, the Main Log hears of it again after this long. */
export const POLL_REMINDER_MS = 60 * 60_000;

/**
 * Delay before the next poll after `failures` polls in a row failed: the account's interval, doubled for
 * each further failure, capped at 30 minutes (never shorter than the interval): 1 min → 2 → 4 … → 30 min.
 */
export function pollDelayMs(failures: number, intervalSec: number, capMs = POLL_BACKOFF_CAP_MS): number {
  const base = intervalSec * 1000;
  if (failures <= 0) return base;
  return Math.max(base, Math.min(capMs, base * 2 ** Math.min(failures - 1, 40)));
}

/** Where an account's polling stands between two polls. */
export type PollState = {
  failureStreak: number;
  failingSince: Date | null;
  reportedAt: Date | null;
  lastError: { code: string; message: string } | null;
};

/**
 * What the Main Log hears of a poll: `failed` (the first failure), `changed` (a failure of another class),
 * `still_failing` (the same failure, once an hour), `recovered` (a success after failures), or nothing.
 */
export type PollReport = 'failed' | 'changed' | 'still_failing' | 'recovered' | null;

/**
 * The polling state after a poll, when to poll next, and whether the Main Log hears of it: once per change
 * of state plus an hourly reminder, so an account failing every minute does not write a row every minute.
 */
export function afterPoll(
  prev: PollState,
  error: { code: string; message: string } | null,
  now: Date,
  intervalSec: number,
  reminderMs = POLL_REMINDER_MS,
): { state: PollState; nextPollAt: Date; report: PollReport } {
  if (!error) {
    return {
      state: { failureStreak: 0, failingSince: null, reportedAt: null, lastError: null },
      nextPollAt: new Date(now.getTime() + pollDelayMs(0, intervalSec)),
      report: prev.failureStreak > 0 ? 'recovered' : null,
    };
  }
  const failureStreak = prev.failureStreak + 1;
  // A class is a state ("auth", "refused"); the wording of one server's refusal may vary between polls.
  const report: PollReport =
    prev.failureStreak === 0
      ? 'failed'
      : prev.lastError?.code !== error.code
        ? 'changed'
        : !prev.reportedAt || now.getTime() - prev.reportedAt.getTime() >= reminderMs
          ? 'still_failing'
          : null;
  return {
    state: {
      failureStreak,
      failingSince: prev.failureStreak > 0 ? (prev.failingSince ?? now) : now,
      reportedAt: report ? now : prev.reportedAt,
      lastError: error,
    },
    nextPollAt: new Date(now.getTime() + pollDelayMs(failureStreak, intervalSec)),
    report,
  };
}
