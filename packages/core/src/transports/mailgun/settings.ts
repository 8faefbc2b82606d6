// Mailgun's settings: the sending domain, the API key (secret) and the API's base URL. Browser-safe.
import { z } from 'zod';
import { domainName } from '../../schemas/common';
import { outgoingCommon, outgoingViewCommon, secretInput } from '../../schemas/parts';
import type { TransportSettings } from '../types';
import { mailgunSummary } from './summary';

export const mailgunInput = z.object({
  transport: z.literal('mailgun'),
  domain: domainName,
  apiKey: secretInput,
  baseUrl: z.url({ message: 'must be a URL' }).default('https://api.mailgun.net'),
  ...outgoingCommon,
});

export const mailgunView = z.object({
  transport: z.literal('mailgun'),
  domain: z.string(),
  baseUrl: z.string(),
  hasApiKey: z.boolean(),
  ...outgoingViewCommon,
});

export type MailgunSettings = z.output<typeof mailgunInput>;
export type MailgunStored = Omit<MailgunSettings, 'apiKey'>;
export type MailgunView = z.output<typeof mailgunView>;

export const mailgunSettings: TransportSettings<{
  kind: 'mailgun';
  input: typeof mailgunInput;
  view: typeof mailgunView;
  settings: MailgunSettings;
  stored: MailgunStored;
  secret: 'apiKey';
}> = {
  kind: 'mailgun',
  label: mailgunSummary.label,
  input: mailgunInput,
  view: mailgunView,
  secretFields: ['apiKey'],
  secretGoesTo: ['baseUrl'],
  fields: [
    { kind: 'text', key: 'domain', label: 'Mailgun domain', placeholder: 'mg.example.com' },
    { kind: 'secret', key: 'apiKey', label: 'API key', has: 'hasApiKey' },
    {
      kind: 'url',
      key: 'baseUrl',
      label: 'API base URL',
      wide: true,
      help: 'https://api.eu.mailgun.net for the EU region.',
    },
  ],
  defaults: { baseUrl: 'https://api.mailgun.net' },
  complete: (p) => p,
  split: ({ apiKey, ...stored }) => ({ stored, secrets: { apiKey } }),
  attach: (stored, secret) => ({ ...stored, apiKey: secret('apiKey') }),
  secretsUsed: () => [{ field: 'apiKey', required: true }],
  toView: (s, has, common) => ({
    transport: 'mailgun',
    domain: s.domain,
    baseUrl: s.baseUrl,
    hasApiKey: has('apiKey'),
    ...common,
  }),
};
