import type { TransportSummary } from '../types';
import type { SesView } from './settings';

/** The API's address: the one the settings name, else SES's public endpoint of the region. */
export function sesEndpoint(s: { region: string; endpoint?: string | undefined }): string {
  return (s.endpoint ?? `https://email.${s.region}.amazonaws.com`).replace(/\/+$/, '');
}

export const sesSummary: TransportSummary<SesView> = {
  label: 'Amazon SES',
  summary: (v) => {
    const endpoint = sesEndpoint(v);
    return {
      line: `ses · ${v.region}`,
      endpoint,
      rows: [
        { label: 'Region', value: v.region },
        { label: 'API', value: endpoint, mono: true },
        {
          label: 'Access key',
          value: `${v.accessKeyId} · secret ${v.hasSecretAccessKey ? 'stored' : 'not set'}`,
        },
        ...(v.configurationSetName ? [{ label: 'Configuration set', value: v.configurationSetName }] : []),
      ],
    };
  },
};
