import { cleanAddress, field, parseHeaderBlock } from './fields';

export type FeedbackReport = {
  feedbackType: string;
  userAgent: string | null;
  reportingMta: string | null;
  originalMailFrom: string | null;
  recipients: string[];
};

/** Reads a message/feedback-report body (RFC 5965 §3.1; RFC 6591 auth-failure, RFC 6650 opt-out fields). */
export function parseFeedbackReport(text: string): FeedbackReport {
  const f = parseHeaderBlock(text);
  const recipients = [...(f.get('original-rcpt-to') ?? []), ...(f.get('removal-recipient') ?? [])]
    .map(cleanAddress)
    .filter((a): a is string => a !== null);
  const mta = field(f, 'reporting-mta');
  return {
    feedbackType: (field(f, 'feedback-type') ?? 'other').toLowerCase(),
    userAgent: field(f, 'user-agent'),
    reportingMta: mta ? mta.replace(/^[\w.-]+;\s*/, '') : null,
    originalMailFrom: cleanAddress(field(f, 'original-mail-from')),
    recipients: [...new Set(recipients)],
  };
}
