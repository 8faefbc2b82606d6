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
  /** The From a send would ask for; left out, the caller's own sending address (profile) if they have one. */
  from: z.string().optional(),
  teamId: z.string().optional(),
  /** Explain a send that names its account, as `accountId` in `POST /messages`. */
  accountId: z.string().optional(),
});

export const sendAsOutcomes = ['allowed', 'rewritten', 'refused'] as const;
/** Where the From a send asks for comes from: its `from`, the sending user's profile, or nowhere (the account's own). */
export const sendAsSources = ['request', 'user', 'account'] as const;
const addressWithName = z.object({ address: z.string(), name: z.string().optional() });

/**
 * The Send-as decision, made by one function for the routing explanation and the send alike: whether
 * the account may send as the From asked for, and what the mail carries.
 */
export const sendAsSchema = z.object({
  /**
   * `allowed`: the From asked for (or the account's own) is used; `rewritten`: the account may not send as
   * it and sends from its own address with the asked one as Reply-To; `refused`: the send is refused.
   */
  outcome: z.enum(sendAsOutcomes),
  source: z.enum(sendAsSources),
  /** The From asked for (null: none, the account's own is used). */
  requested: addressWithName.nullable(),
  /** The From the mail carries (null when refused). */
  from: addressWithName.nullable(),
  /** The Reply-To a rewrite sets (the requested address, unless the send names its own Reply-To). */
  replyTo: z.string().nullable(),
  /** Why, in a sentence. */
  detail: z.string(),
  /** What to do about a refusal. */
  hint: z.string().optional(),
});
export type SendAs = z.infer<typeof sendAsSchema>;
export type SendAsOutcome = SendAs['outcome'];
export type SendAsSource = SendAs['source'];

export const routingCandidateSchema = z.object({
  rule: routeReasonSchema,
  accountId: z.string().nullable(),
  accountName: z.string().nullable(),
  matched: z.boolean(),
  detail: z.string(),
});

/** Why a send with these inputs would be refused, as the send's problem+json would say it. */
export const routingRefusalSchema = z.object({
  code: z.string(),
  /** The HTTP status the send would be answered with. */
  status: z.number().int(),
  message: z.string(),
  hint: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type RoutingRefusal = z.infer<typeof routingRefusalSchema>;

export const routingExplainSchema = z.object({
  accountId: z.string().nullable(),
  accountName: z.string().nullable(),
  reason: routeReasonSchema,
  explanation: z.string(),
  candidates: z.array(routingCandidateSchema),
  /** The Send-as decision of the routed account (null when no account is routed). */
  sendAs: sendAsSchema.nullable(),
  /** True when a send with these inputs would be accepted (and go through `accountId`). */
  sendable: z.boolean(),
  /** Why it would not be, as the send's error would say (null when sendable). */
  refusal: routingRefusalSchema.nullable(),
});
export type RoutingExplain = z.infer<typeof routingExplainSchema>;
