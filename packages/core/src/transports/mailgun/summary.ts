import type { TransportSummary } from '../types';
import type { MailgunView } from './settings';

export const mailgunSummary: TransportSummary<MailgunView> = {
  label: 'Mailgun API',
  summary: (v) => ({
    line: `mailgun · ${v.domain}`,
    endpoint: v.baseUrl,
    rows: [
      { label: 'Domain', value: v.domain },
      { label: 'API', value: v.baseUrl, mono: true },
      { label: 'API key', value: v.hasApiKey ? 'stored' : 'not set' },
    ],
  }),
};
