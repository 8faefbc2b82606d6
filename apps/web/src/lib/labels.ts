// The words the UI shows for the API's codes: one table per kind, so a form and a details page
// never name the same value differently, and acronyms read as acronyms (DNS, not "Dns").
import type { ErrorClass, IncomingView, Purpose } from '@mailroom/core/schemas';
import { humanize } from './format';

/** Words that are written in capitals (or their own way) wherever they appear in a code. */
const acronyms: Record<string, string> = {
  dns: 'DNS',
  tls: 'TLS',
  ssl: 'SSL',
  smtp: 'SMTP',
  imap: 'IMAP',
  pop3: 'POP3',
  ehlo: 'EHLO',
  helo: 'HELO',
  starttls: 'STARTTLS',
  api: 'API',
  http: 'HTTP',
  https: 'HTTPS',
  url: 'URL',
  id: 'ID',
  uid: 'UID',
  uidl: 'UIDL',
  mx: 'MX',
  spf: 'SPF',
  dkim: 'DKIM',
  dmarc: 'DMARC',
  oauth2: 'OAuth 2',
  ses: 'SES',
};

/** A code as words, first letter capital, acronyms kept: `dns` → "DNS", `mail_from` → "Mail from". */
export function label(code: string): string {
  const words = code.split(/[_\s]+/).filter(Boolean);
  const out = words.map((w, i) => acronyms[w.toLowerCase()] ?? (i === 0 ? humanize(w) : w.toLowerCase()));
  return out.join(' ');
}

/** The failure classes of a connection test, a send or a fetch. */
export const errorClassLabels: Record<ErrorClass, string> = {
  dns: 'DNS',
  refused: 'Connection refused',
  timeout: 'Timeout',
  tls: 'TLS',
  certificate: 'Certificate',
  greeting: 'Greeting',
  auth: 'Authentication',
  rejected: 'Rejected',
  protocol: 'Protocol',
  blocked: 'Blocked destination',
};

/** An error class (or another error code) as a person reads it. */
export const errorLabel = (code: string): string =>
  (errorClassLabels as Record<string, string>)[code] ?? label(code);

/** The steps of a connection test. */
const stepLabels: Record<string, string> = {
  resolve: 'Resolve',
  connect: 'Connect',
  tls: 'TLS',
  greeting: 'Greeting',
  capabilities: 'Capabilities',
  authenticate: 'Authenticate',
  check: 'Check',
  token: 'Token',
  binary: 'Program',
  deliverability: 'Deliverability',
};
export const stepLabel = (step: string): string => stepLabels[step] ?? label(step);

/** What an account is for: the form's choices and the details page read the same words. */
export const purposeLabels: Record<Purpose, string> = {
  system: 'System notifications',
  campaigns: 'Campaigns',
  customer_service: 'Customer service',
};
export const purposeOptions = (Object.keys(purposeLabels) as Purpose[]).map((value) => ({
  value,
  label: purposeLabels[value],
}));

type AfterFetch = IncomingView['afterFetch'];
export const afterFetchLabels: Record<AfterFetch, string> = {
  keep: 'Keep on the server',
  mark_seen: 'Mark as read',
  delete: 'Delete from the server',
};
/** POP3 has no flags: a message can only be kept or deleted there, so "Mark as read" is IMAP's alone. */
export const afterFetchOptions = (protocol: IncomingView['protocol']) =>
  (Object.keys(afterFetchLabels) as AfterFetch[])
    .filter((value) => protocol === 'imap' || value !== 'mark_seen')
    .map((value) => ({ value, label: afterFetchLabels[value] }));
