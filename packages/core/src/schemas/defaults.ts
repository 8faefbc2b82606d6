import { z } from 'zod';
import { directionSchema } from './account';

export const defaultSetSchema = z.object({
  teamId: z.string().nullable().default(null),
  direction: directionSchema,
  /** null clears the default of that scope. */
  accountId: z.string().nullable(),
  /** Set to true to replace an existing default of the same scope; otherwise that is a 409. */
  replace: z.boolean().default(false),
});
export type DefaultSet = z.input<typeof defaultSetSchema>;

export const defaultEntrySchema = z.object({
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  direction: directionSchema,
  accountId: z.string(),
  accountName: z.string(),
  updatedAt: z.string(),
});
export type DefaultEntry = z.infer<typeof defaultEntrySchema>;

export const routeReasons = [
  'account_id',
  'from_filter_exact',
  'from_filter_domain',
  'team_default',
  'system_default',
  'none',
] as const;
export const routeReasonSchema = z.enum(routeReasons);
export type RouteReason = z.infer<typeof routeReasonSchema>;

export const routingExplainQuerySchema = z.object({
  from: z.string().optional(),
  teamId: z.string().optional(),
});

export const routingCandidateSchema = z.object({
  rule: routeReasonSchema,
  accountId: z.string().nullable(),
  accountName: z.string().nullable(),
  matched: z.boolean(),
  detail: z.string(),
});

export const routingExplainSchema = z.object({
  accountId: z.string().nullable(),
  accountName: z.string().nullable(),
  reason: routeReasonSchema,
  explanation: z.string(),
  candidates: z.array(routingCandidateSchema),
});
export type RoutingExplain = z.infer<typeof routingExplainSchema>;
