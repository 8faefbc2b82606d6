// sendmail's settings: the path of a program the operator allows. No secrets. Browser-safe.
import { z } from 'zod';
import { outgoingCommon, outgoingViewCommon } from '../../schemas/parts';
import type { TransportSettings } from '../types';
import { sendmailSummary } from './summary';

export const sendmailInput = z.object({
  transport: z.literal('sendmail'),
  path: z
    .string()
    .min(1)
    .max(1024)
    .refine((s) => s.startsWith('/') && !/[\r\n\0]/.test(s), { message: 'must be an absolute path' })
    .default('/usr/sbin/sendmail'),
  ...outgoingCommon,
});

export const sendmailView = z.object({
  transport: z.literal('sendmail'),
  path: z.string(),
  ...outgoingViewCommon,
});

export type SendmailSettings = z.output<typeof sendmailInput>;
export type SendmailView = z.output<typeof sendmailView>;

export const sendmailSettings: TransportSettings<{
  kind: 'sendmail';
  input: typeof sendmailInput;
  view: typeof sendmailView;
  settings: SendmailSettings;
  stored: SendmailSettings;
  secret: never;
}> = {
  kind: 'sendmail',
  label: sendmailSummary.label,
  input: sendmailInput,
  view: sendmailView,
  secretFields: [],
  // It runs a program on this server: full admins only (see ./rules.ts).
  adminOnly: true,
  secretGoesTo: [],
  fields: [
    {
      kind: 'text',
      key: 'path',
      label: 'sendmail path',
      mono: true,
      wide: true,
      adminOnly: true,
      help: 'Only a program the operator allows (MAILROOM_SENDMAIL_PATHS) runs, as -i -f <from> -- <recipients>, with the message on standard input. Only admins choose it.',
    },
  ],
  defaults: { path: '/usr/sbin/sendmail' },
  complete: (p) => p,
  split: (s) => ({ stored: s, secrets: {} }),
  attach: (s) => s,
  secretsUsed: () => [],
  toView: (s, _has, common) => ({ transport: 'sendmail', path: s.path, ...common }),
};
