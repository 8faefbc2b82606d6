// Small display helpers shared by every screen.

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
// One date style everywhere ("Dec 1, 2026, 6:44 PM"); `dateTimeSec` is the same plus seconds, for
// timelines where they matter (attempts, log lines, a message's sent/next try, a recipient's story).
const dtf = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dtfSec = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const tfSec = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** "3 minutes ago" for recent times, a date beyond a week. */
export function relTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((t - Date.now()) / 1000);
  const a = Math.abs(s);
  if (a < 45) return 'just now';
  if (a < 2700) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 79200) return rtf.format(Math.round(s / 3600), 'hour');
  if (a < 604800) return rtf.format(Math.round(s / 86400), 'day');
  return dtf.format(t);
}

/** "Dec 1, 2026, 6:44 PM": every absolute time shown, in lists, drawers, dialogs and tooltips. */
export const dateTime = (iso: string | null | undefined) => (iso ? dtf.format(Date.parse(iso)) : '—');
/** "Dec 1, 2026, 6:44:53 PM": the same with seconds, where the order of events within a minute matters. */
export const dateTimeSec = (iso: string | null | undefined) => (iso ? dtfSec.format(Date.parse(iso)) : '—');
/** The time alone when `iso` falls on the same local day as `sameDayAs`, else date and time. */
export const timeSec = (iso: string, sameDayAs: string) =>
  new Date(iso).toDateString() === new Date(sameDayAs).toDateString()
    ? tfSec.format(Date.parse(iso))
    : dtfSec.format(Date.parse(iso));

export const ms = (n: number | undefined) =>
  n === undefined ? '' : n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`;

/** snake_case → "Snake case" for enum values shown to people. */
export const humanize = (s: string) => (s.charAt(0).toUpperCase() + s.slice(1)).replace(/_/g, ' ');
