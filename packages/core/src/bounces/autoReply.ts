import { AUTO_REPLY_HEADERS, AUTO_REPLY_SUBJECTS, type AutoReplyReason, BULK_SIGNS } from './rules';

/** Header lookup by lower-case name (first value). */
export type HeaderGet = (name: string) => string | null;

/**
 * Is this an automatic answer (RFC 3834 and the vacation programs' habits)? The reason comes from the
 * subject when it says (vacation, out of office), else from the header that gave it away.
 */
export function autoReplyReason(get: HeaderGet, subject: string): AutoReplyReason | null {
  const s = subject.trim();
  const row = AUTO_REPLY_SUBJECTS.find((r) => r.subject.test(s)) ?? null;
  const replies = Boolean(get('in-reply-to') || get('references'));
  const byHeader = AUTO_REPLY_HEADERS.find((r) => {
    const v = get(r.header);
    return v !== null && r.value.test(v.trim()) && (!r.replyOnly || replies || row !== null);
  });
  if (byHeader) return row?.reason ?? byHeader.reason;
  if (row === null || (!row.alone && !replies)) return null;
  const bulk = BULK_SIGNS.some((r) => {
    const v = get(r.header);
    return v !== null && r.value.test(v.trim());
  });
  return bulk ? null : row.reason;
}
