// What the OAuth2 connect verbs take and answer. Browser-safe: imports only zod.
import { z } from 'zod';
import { oauthStatusSchema } from '../schemas/oauth';

/** An OAuth endpoint: https:// (plain http:// only on loopback, and only where private hosts are allowed). */
const endpointUrl = z
  .url({ message: 'must be a URL' })
  .max(2000)
  .refine((u) => /^https?:\/\//.test(u), { message: 'must be an https:// URL' });

export const oauthEndpointsSchema = z.object({
  authorizationEndpoint: endpointUrl.optional(),
  tokenEndpoint: endpointUrl,
  deviceAuthorizationEndpoint: endpointUrl.optional(),
  /** Where the connected identity is read (`{ email }`), when the token response has no id_token. */
  userinfoEndpoint: endpointUrl.optional(),
  scopes: z
    .array(
      z
        .string()
        .min(1)
        .max(300)
        .regex(/^[^\s"\\]+$/, 'must be one scope'),
    )
    .max(20)
    .optional(),
});
export type OAuthEndpoints = z.infer<typeof oauthEndpointsSchema>;

export const oauthFlowSchema = z.enum(['code', 'device']);

export const oauthAuthorizationInputSchema = z
  .object({
    /** A known provider's id (its endpoints come from the provider lookup, oauth/providers.ts). */
    provider: z.string().min(1).max(64).optional(),
    /** Endpoints typed in (a custom provider); win over the provider's. */
    endpoints: oauthEndpointsSchema.optional(),
    clientId: z.string().min(1, 'is required').max(512),
    clientSecret: z.string().min(1).max(4096).optional(),
    flow: oauthFlowSchema,
    /** The account to connect (a reconnect). Left out: the result is kept for an account created with it. */
    accountId: z.string().min(1).max(64).optional(),
    /** Replaces the provider's scopes. */
    scopes: z
      .array(
        z
          .string()
          .min(1)
          .max(300)
          .regex(/^[^\s"\\]+$/, 'must be one scope'),
      )
      .max(20)
      .optional(),
    /** Proposed to the consent page as `login_hint`. */
    loginHint: z.email().max(320).optional(),
  })
  .refine((v) => v.provider !== undefined || v.endpoints !== undefined, {
    message: 'give a provider or endpoints',
    path: ['endpoints'],
  });
export type OAuthAuthorizationInput = z.input<typeof oauthAuthorizationInputSchema>;

export {
  type OAuthCallbackResult,
  type OAuthStatus,
  oauthCallbackResultSchema,
  oauthStatusSchema,
} from '../schemas/oauth';

export const oauthAuthorizationStartedSchema = z.union([
  z.object({ id: z.string(), flow: z.literal('code'), authorizationUrl: z.string() }),
  z.object({
    id: z.string(),
    flow: z.literal('device'),
    userCode: z.string(),
    verificationUri: z.string(),
    verificationUriComplete: z.string().optional(),
    /** Seconds. */
    expiresIn: z.number(),
    /** Seconds between polls. */
    interval: z.number(),
  }),
]);
export type OAuthAuthorizationStarted = z.infer<typeof oauthAuthorizationStartedSchema>;

export const oauthAuthorizationViewSchema = z.object({
  id: z.string(),
  flow: oauthFlowSchema,
  status: oauthStatusSchema,
  accountId: z.string().nullable(),
  provider: z.string().nullable(),
  clientId: z.string(),
  /** The address the tokens belong to, once connected: used as the account's username. */
  identity: z.string().nullable(),
  error: z.string().nullable(),
  expiresAt: z.string(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  /** Set once an account was connected with it. */
  usedAt: z.string().nullable(),
});
export type OAuthAuthorizationView = z.infer<typeof oauthAuthorizationViewSchema>;

export const oauthCallbackQuerySchema = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});
export type OAuthCallbackQuery = z.infer<typeof oauthCallbackQuerySchema>;
