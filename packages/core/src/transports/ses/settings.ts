// Amazon SES (API v2)'s settings: the region, an access key (its secret half encrypted, write-only), an
// optional endpoint and configuration set. Browser-safe.
import { z } from 'zod';
import { headerSafe } from '../../schemas/common';
import { outgoingCommon, outgoingViewCommon, secretInput } from '../../schemas/parts';
import type { TransportSettings } from '../types';
import { sesSummary } from './summary';

export { sesEndpoint } from './summary';

/** An AWS region name: eu-west-1, us-east-2, ap-southeast-1, us-gov-west-1, cn-north-1 … */
export const awsRegion = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region such as eu-west-1');

export const sesInput = z.object({
  transport: z.literal('ses'),
  region: awsRegion,
  accessKeyId: headerSafe(128)
    .trim()
    .regex(/^[A-Za-z0-9]{4,128}$/, 'must be an access key ID: letters and digits (AKIA…)'),
  secretAccessKey: secretInput,
  /** Where the API is: `https://email.<region>.amazonaws.com` when left out (a VPC endpoint, the mock …). */
  endpoint: z.url({ message: 'must be a URL' }).optional(),
  /** Events of the messages go to this SES configuration set. */
  configurationSetName: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a configuration set name: letters, digits, - and _')
    .optional(),
  ...outgoingCommon,
});

export const sesView = z.object({
  transport: z.literal('ses'),
  region: z.string(),
  accessKeyId: z.string(),
  hasSecretAccessKey: z.boolean(),
  endpoint: z.string().optional(),
  configurationSetName: z.string().optional(),
  ...outgoingViewCommon,
});

export type SesSettings = z.output<typeof sesInput>;
export type SesStored = Omit<SesSettings, 'secretAccessKey'>;
export type SesView = z.output<typeof sesView>;

export const sesSettings: TransportSettings<{
  kind: 'ses';
  input: typeof sesInput;
  view: typeof sesView;
  settings: SesSettings;
  stored: SesStored;
  secret: 'secretAccessKey';
}> = {
  kind: 'ses',
  label: sesSummary.label,
  input: sesInput,
  view: sesView,
  secretFields: ['secretAccessKey'],
  // The key signs requests to the region's endpoint, or to the one named: either moves it.
  secretGoesTo: ['region', 'endpoint'],
  fields: [
    { kind: 'text', key: 'region', label: 'AWS region', placeholder: 'eu-west-1' },
    { kind: 'text', key: 'accessKeyId', label: 'Access key ID', placeholder: 'AKIA…', mono: true },
    {
      kind: 'secret',
      key: 'secretAccessKey',
      label: 'Secret access key',
      has: 'hasSecretAccessKey',
      help: 'Of an IAM user allowed ses:SendRawEmail and ses:GetAccount. Stored encrypted, never shown again.',
    },
    {
      kind: 'url',
      key: 'endpoint',
      label: 'API endpoint',
      optional: true,
      wide: true,
      placeholder: 'https://email.eu-west-1.amazonaws.com',
      help: 'Leave blank for the region’s public endpoint. https:// only (plain http:// only to this machine where private hosts are allowed).',
    },
    {
      kind: 'text',
      key: 'configurationSetName',
      label: 'Configuration set',
      optional: true,
      help: 'Optional: the SES configuration set whose event destinations get this account’s events.',
    },
  ],
  defaults: {},
  complete: (p) => p,
  split: ({ secretAccessKey, ...stored }) => ({ stored, secrets: { secretAccessKey } }),
  attach: (stored, secret) => ({ ...stored, secretAccessKey: secret('secretAccessKey') }),
  secretsUsed: () => [{ field: 'secretAccessKey', required: true }],
  toView: (s, has, common) => ({
    transport: 'ses',
    region: s.region,
    accessKeyId: s.accessKeyId,
    hasSecretAccessKey: has('secretAccessKey'),
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    ...(s.configurationSetName ? { configurationSetName: s.configurationSetName } : {}),
    ...common,
  }),
};
