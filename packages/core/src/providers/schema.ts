import { z } from 'zod';

const host = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    'a lower-case host name',
  );
// https:// for every real provider (the catalogue test checks); plain http:// only for the mock on loopback,
// which the door refuses anywhere else.
/** A DNS name that may hold underscores (`_spf.google.com`): never connected to, only looked up. */
const dnsName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'a DNS name');
const httpsUrl = z.url({ protocol: /^https?$/ });

/** One server a provider offers for a protocol: where, and how the connection is secured. */
export const providerServerSchema = z.object({
  host,
  port: z.number().int().min(1).max(65535),
  security: z.enum(['tls', 'starttls']),
});
export type ProviderServer = z.infer<typeof providerServerSchema>;

export const authMethodSchema = z.enum(['password', 'app_password', 'oauth2', 'api_key']);
export type AuthMethod = z.infer<typeof authMethodSchema>;

/** What an OAuth2 client needs to sign a person in at this provider, and which scopes each protocol takes. */
export const providerOAuthSchema = z.object({
  authorizationEndpoint: httpsUrl,
  tokenEndpoint: httpsUrl,
  /** RFC 8628 device authorization endpoint, when the provider has one. */
  deviceEndpoint: httpsUrl.optional(),
  revocationEndpoint: httpsUrl.optional(),
  /** Where the connected identity (the address the token belongs to) is read with the access token. */
  userinfoEndpoint: httpsUrl.optional(),
  /** `userinfo`: GET the endpoint above; `id_token`: the `email` / `preferred_username` claim of the token answer. */
  identity: z.enum(['userinfo', 'id_token']),
  /** Scopes a token needs per protocol; `identity` scopes are asked for in addition, once. */
  scopes: z.object({
    smtp: z.array(z.string().min(1)).min(1),
    imap: z.array(z.string().min(1)).min(1),
    pop3: z.array(z.string().min(1)).min(1),
    identity: z.array(z.string().min(1)),
  }),
  pkce: z.boolean(),
  /** Whether the device flow may be used for the mail scopes (not just whether an endpoint exists). */
  device: z.boolean(),
  /** Extra authorization request parameters (Google needs `access_type=offline` for a refresh token). */
  authorizationParams: z.record(z.string(), z.string()).default({}),
  /** Where an admin registers the OAuth client. */
  consoleUrl: httpsUrl.optional(),
});
export type ProviderOAuth = z.infer<typeof providerOAuthSchema>;

export const providerSchema = z.object({
  /** Stable id (`google`, `microsoft`, …) used by the API and the OAuth client. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string().min(1),
  /** `mailbox`: a mail service people have addresses at; `relay`: a sending service for your own domain. */
  kind: z.enum(['mailbox', 'relay']),
  /** Address domains it serves (a relay serves none: it sends for the customer's own domain). */
  domains: z.array(host),
  /** A domain whose MX host ends with one of these is hosted here (Workspace, Microsoft 365 tenants). */
  mxSuffixes: z.array(host).default([]),
  /** Outgoing servers, the preferred first. */
  smtp: z.array(providerServerSchema).min(1),
  imap: providerServerSchema.optional(),
  pop3: providerServerSchema.optional(),
  auth: z.array(authMethodSchema).min(1),
  /** What the username is when it is not the address (SendGrid: `apikey`). */
  username: z.string().min(1).optional(),
  /** One line the UI shows beside the settings ("needs an app password"). */
  note: z.string().min(10).max(200),
  oauth: providerOAuthSchema.optional(),
  /** The domain a customer's SPF record includes to authorise this provider's senders. */
  spfInclude: dnsName.optional(),
  /** DKIM selectors the provider signs with for a customer's domain (`<selector>._domainkey.<domain>`). */
  dkimSelectors: z.array(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i)).default([]),
  docsUrl: httpsUrl.optional(),
});
export type Provider = z.infer<typeof providerSchema>;
export type ProviderInput = z.input<typeof providerSchema>;
