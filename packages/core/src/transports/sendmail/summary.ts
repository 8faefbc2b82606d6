import type { TransportSummary } from '../types';
import type { SendmailView } from './settings';

export const sendmailSummary: TransportSummary<SendmailView> = {
  label: 'sendmail',
  summary: (v) => ({
    line: `sendmail · ${v.path}`,
    endpoint: v.path,
    rows: [{ label: 'Path', value: v.path, mono: true }],
  }),
};
