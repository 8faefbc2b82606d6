// How each transport is shown (details widget, accounts list, CSV report), by kind. Free of zod, so the
// web's accounts list can import it (as `@mailroom/core/summaries`) without loading the schemas.
import type { OutgoingView } from '../schemas/account';
import type { TransportKind, ViewOf } from './catalog';
import { mailgunSummary } from './mailgun/summary';
import { sendmailSummary } from './sendmail/summary';
import { sesSummary } from './ses/summary';
import { smtpSummary } from './smtp/summary';
import type { Summary, TransportSummary } from './types';

export { authText, securityText } from './summaryText';
export type { Summary, SummaryRow } from './types';

const summaries: { [K in TransportKind]: TransportSummary<ViewOf<K>> } = {
  smtp: smtpSummary,
  sendmail: sendmailSummary,
  mailgun: mailgunSummary,
  ses: sesSummary,
};

function summaryOf<K extends TransportKind>(kind: K): TransportSummary<ViewOf<K>> {
  return summaries[kind];
}

/** The name people see for a transport ("SMTP", "Mailgun API"). */
export function transportLabel(kind: TransportKind): string {
  return summaries[kind].label;
}

/** What the details widget, the accounts list and the CSV report show of an outgoing part. */
export function outgoingSummary(view: OutgoingView): Summary {
  return summaryOf(view.transport).summary(view);
}
