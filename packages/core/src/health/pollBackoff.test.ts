import { describe, expect, it } from 'vitest';
import { afterPoll, POLL_REMINDER_MS, type PollState, pollDelayMs } from './pollBackoff';

const min = 60_000;
const fresh: PollState = { failureStreak: 0, failingSince: null, reportedAt: null, lastError: null };
const auth = { code: 'auth', message: 'The server refused the username or password' };
const refused = { code: 'refused', message: 'Connection refused' };

describe('poll backoff', () => {
  it('waits the interval, then doubles per failed poll up to 30 minutes: 1 → 2 → 4 … → 30 min', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 7, 50].map((n) => pollDelayMs(n, 60) / min);
    expect(delays).toEqual([1, 1, 2, 4, 8, 16, 30, 30, 30]);
  });

  it('never polls a failing account more often than its own interval', () => {
    expect(pollDelayMs(3, 86_400)).toBe(86_400_000);
    expect(pollDelayMs(1, 10)).toBe(10_000);
    expect(pollDelayMs(2, 10)).toBe(20_000);
  });

  it('reports the first failure, stays quiet while it repeats, reminds after an hour, and resets on success', () => {
    const t0 = new Date('2026-03-01T10:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    let state = fresh;
    const reports: Array<string | null> = [];
    const nexts: number[] = [];
    let now = t0;
    for (let i = 0; i < 8; i++) {
      const r = afterPoll(state, auth, now, 60);
      reports.push(r.report);
      nexts.push((r.nextPollAt.getTime() - now.getTime()) / min);
      state = r.state;
      now = r.nextPollAt;
    }
    // Polls at 0, 1, 3, 7, 15, 31, 61, 91 minutes: the one at 61 is an hour after the first report.
    expect(reports).toEqual(['failed', null, null, null, null, null, 'still_failing', null]);
    expect(nexts).toEqual([1, 2, 4, 8, 16, 30, 30, 30]);
    expect(state.failureStreak).toBe(8);
    expect(state.failingSince).toEqual(t0);
    expect(state.reportedAt).toEqual(at(61 * min));

    const back = afterPoll(state, null, now, 60);
    expect(back.report).toBe('recovered');
    expect(back.state).toEqual(fresh);
    expect(back.nextPollAt.getTime() - now.getTime()).toBe(min);
    // And a success after successes says nothing.
    expect(afterPoll(back.state, null, now, 60).report).toBeNull();
  });

  it('reports a failure of another class at once, as a change of state', () => {
    const t0 = new Date('2026-03-01T10:00:00Z');
    const first = afterPoll(fresh, auth, t0, 60);
    const second = afterPoll(first.state, refused, first.nextPollAt, 60);
    expect(second.report).toBe('changed');
    expect(second.state.failureStreak).toBe(2);
    expect(second.state.failingSince).toEqual(t0);
    expect(second.state.reportedAt).toEqual(first.nextPollAt);
  });

  it('counts the reminder from the last report, not from the first failure', () => {
    const t0 = new Date('2026-03-01T10:00:00Z');
    const s: PollState = {
      failureStreak: 5,
      failingSince: t0,
      reportedAt: new Date(t0.getTime() + 30 * min),
      lastError: auth,
    };
    expect(afterPoll(s, auth, new Date(t0.getTime() + 89 * min), 60).report).toBeNull();
    expect(afterPoll(s, auth, new Date(t0.getTime() + 30 * min + POLL_REMINDER_MS), 60).report).toBe(
      'still_failing',
    );
  });
});
