import { authText, securityText } from '../summaryText';
import type { TransportSummary } from '../types';
import type { SmtpView } from './settings';

export const smtpSummary: TransportSummary<SmtpView> = {
  label: 'SMTP',
  summary: (v) => ({
    line: `${v.host}:${v.port}`,
    endpoint: `${v.host}:${v.port}`,
    rows: [
      { label: 'Server', value: `${v.host}:${v.port}`, mono: true },
      { label: 'Security', value: securityText(v.security, v.allowInvalidCertificates) },
      { label: 'Authentication', value: authText(v.auth) },
    ],
  }),
};
