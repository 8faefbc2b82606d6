import { describe, expect, it } from 'vitest';
import { dateTime, dateTimeSec, relTime, timeSec } from './format';

// 18:44:53 local time, so the seconds are unmistakable in the output.
const at = new Date(2026, 11, 1, 18, 44, 53).toISOString();

describe('date helpers', () => {
  it('writes the date the same way with or without seconds', () => {
    // A drawer's "Dec 1, 2026, 6:44:53 PM" is a list's "Dec 1, 2026, 6:44 PM" plus the seconds,
    // never a different date style ("12/1/26, 6:44:53 PM").
    expect(dateTimeSec(at)).toContain('53');
    expect(dateTimeSec(at).replace(/[:.]53/, '')).toBe(dateTime(at));
  });

  it('names the month in words, as lists do', () => {
    const enUS = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).resolvedOptions().locale;
    if (new Intl.DateTimeFormat().resolvedOptions().locale !== enUS) return;
    expect(dateTime(at)).toBe('Dec 1, 2026, 6:44 PM');
    expect(dateTimeSec(at)).toBe('Dec 1, 2026, 6:44:53 PM');
  });

  it('shows the time alone on the same day, else date and time like dateTimeSec', () => {
    expect(timeSec(at, at)).not.toContain('2026');
    expect(timeSec(at, new Date(2026, 10, 30, 12).toISOString())).toBe(dateTimeSec(at));
  });

  it('falls back to a dash when there is no time', () => {
    expect(dateTime(null)).toBe('—');
    expect(dateTimeSec(undefined)).toBe('—');
    expect(relTime(null)).toBe('—');
  });
});
