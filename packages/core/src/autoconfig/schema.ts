// The shapes of `GET /api/v1/autoconfig`: what was proposed, from where, and how each source fared.
import { z } from 'zod';
import { emailAddress } from '../schemas/common';
import { securitySchema } from '../schemas/parts';

export const autoconfigQuerySchema = z.object({ email: emailAddress });

export const proposedServerSchema = z.object({
  protocol: z.enum(['smtp', 'imap', 'pop3']),
  host: z.string(),
  port: z.number().int(),
  security: securitySchema,
  /** The login name: the address itself unless the source says otherwise. */
  username: z.string(),
});
export type ProposedServer = z.infer<typeof proposedServerSchema>;

export const discoverySourceSchema = z.enum(['catalog', 'mx', 'autoconfig', 'srv']);
export type DiscoverySource = z.infer<typeof discoverySourceSchema>;

export const sourceReportSchema = z.object({
  source: discoverySourceSchema,
  /** answered: it proposed settings; empty: it had nothing; failed: it could not be asked; skipped: not needed. */
  status: z.enum(['answered', 'empty', 'failed', 'skipped']),
  detail: z.string(),
});
export type SourceReport = z.infer<typeof sourceReportSchema>;

export const autoconfigResultSchema = z.object({
  email: z.string(),
  domain: z.string(),
  /** Where the proposal came from; `none` when no source knew the domain. */
  source: z.union([discoverySourceSchema, z.literal('none')]),
  provider: z.object({ id: z.string(), name: z.string() }).nullable(),
  outgoing: proposedServerSchema.nullable(),
  /** IMAP before POP3, the preferred first. */
  incoming: z.array(proposedServerSchema),
  auth: z.array(z.enum(['password', 'app_password', 'oauth2', 'api_key'])),
  /** Present when the provider signs in with OAuth2: what the OAuth client needs to start. */
  oauth: z
    .object({
      provider: z.string(),
      authorizationEndpoint: z.string().describe('Where the browser signs in (the code flow, with PKCE).'),
      tokenEndpoint: z
        .string()
        .describe("Where codes and refresh tokens are traded for access tokens: the account's `tokenUrl`."),
      deviceEndpoint: z
        .string()
        .optional()
        .describe('The RFC 8628 device authorization endpoint, when the provider has one.'),
      pkce: z.boolean(),
      device: z.boolean(),
      scopes: z.object({ smtp: z.array(z.string()), imap: z.array(z.string()), pop3: z.array(z.string()) }),
    })
    .optional(),
  /** One line for the person filling the form. */
  note: z.string(),
  sources: z.array(sourceReportSchema),
});
export type AutoconfigResult = z.infer<typeof autoconfigResultSchema>;

/** What one source proposes (before the answer is assembled). */
export type Proposal = {
  source: DiscoverySource;
  providerId?: string;
  outgoing: ProposedServer | null;
  incoming: ProposedServer[];
  auth: AutoconfigResult['auth'];
  note: string;
};
