import { z } from 'zod';
import { teamScopeParam } from './common';

export const deliveryReportQuerySchema = z.object({
  from: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).optional(),
  to: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).optional(),
  groupBy: z.enum(['day', 'account', 'account_day']).default('account_day'),
  accountId: z.string().optional(),
  /** Messages sent through a team's accounts, or (`system`) through system accounts. */
  teamId: teamScopeParam,
});
/** `GET /reports/accounts.csv`: the accounts list's team filter. */
export const accountsCsvQuerySchema = z.object({ teamId: teamScopeParam });

export type DeliveryReportQuery = z.input<typeof deliveryReportQuerySchema>;

export const deliveryRowSchema = z.object({
  day: z.string().nullable(),
  accountId: z.string().nullable(),
  accountName: z.string().nullable(),
  total: z.number(),
  /** Every recipient accepted it. */
  sent: z.number(),
  /** Some recipients accepted it, the others refused it for good: not in `sent`, nor in `failed`. */
  partiallySent: z.number(),
  failed: z.number(),
  deferred: z.number(),
  queued: z.number(),
  cancelled: z.number(),
  /** Recipients (not messages) that bounced after the 250, hard ones among them, complained, or were suppressed. */
  bounced: z.number(),
  hardBounced: z.number(),
  complained: z.number(),
  suppressed: z.number(),
});
export type DeliveryRow = z.infer<typeof deliveryRowSchema>;

export const deliveryReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(['day', 'account', 'account_day']),
  rows: z.array(deliveryRowSchema),
  totals: deliveryRowSchema.omit({ day: true, accountId: true, accountName: true }),
});
export type DeliveryReport = z.infer<typeof deliveryReportSchema>;
