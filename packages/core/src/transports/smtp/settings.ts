// SMTP's settings: host, port, security and a sign-in (none, password, OAuth2). Browser-safe.
import { z } from 'zod';
import { hostname, port } from '../../schemas/common';
import {
  type AuthSecretField,
  type AuthStored,
  attachAuth,
  authInputSchema,
  authSecretFields,
  authSecretsUsed,
  authView,
  authViewSchema,
  outgoingCommon,
  outgoingViewCommon,
  securitySchema,
  smtpDefaultPorts,
  splitAuth,
} from '../../schemas/parts';
import type { TransportSettings } from '../types';
import { smtpSummary } from './summary';

export const smtpInput = z.object({
  transport: z.literal('smtp'),
  host: hostname,
  port: port.optional(),
  security: securitySchema.default('starttls'),
  allowInvalidCertificates: z.boolean().default(false),
  auth: authInputSchema.default({ method: 'none' }),
  ...outgoingCommon,
});

export const smtpView = z.object({
  transport: z.literal('smtp'),
  host: z.string(),
  port: z.number(),
  security: securitySchema,
  allowInvalidCertificates: z.boolean(),
  auth: authViewSchema,
  ...outgoingViewCommon,
});

/** SMTP settings as a transport connects with them: the port filled from the security mode. */
export type SmtpSettings = z.output<typeof smtpInput> & { port: number };
export type SmtpStored = Omit<SmtpSettings, 'auth'> & { auth: AuthStored };
export type SmtpView = z.output<typeof smtpView>;

export const smtpSettings: TransportSettings<{
  kind: 'smtp';
  input: typeof smtpInput;
  view: typeof smtpView;
  settings: SmtpSettings;
  stored: SmtpStored;
  secret: AuthSecretField;
}> = {
  kind: 'smtp',
  label: smtpSummary.label,
  input: smtpInput,
  view: smtpView,
  secretFields: authSecretFields,
  defaultPorts: smtpDefaultPorts,
  // The server, and where an OAuth2 refresh token is sent.
  secretGoesTo: ['host', 'port', 'auth.tokenUrl'],
  fields: [{ kind: 'server' }, { kind: 'auth' }],
  defaults: { security: 'starttls', 'auth.method': 'password' },
  complete: (p) => ({ ...p, port: p.port ?? smtpDefaultPorts[p.security] }),
  split({ auth, ...rest }) {
    const { stored, secrets } = splitAuth(auth);
    return { stored: { ...rest, auth: stored }, secrets };
  },
  attach: (stored, secret) => ({ ...stored, auth: attachAuth(stored.auth, secret) }),
  secretsUsed: (stored) => authSecretsUsed(stored.auth),
  toView: (s, has, common) => ({
    transport: 'smtp',
    host: s.host,
    port: s.port,
    security: s.security,
    allowInvalidCertificates: s.allowInvalidCertificates,
    auth: authView(s.auth, has),
    ...common,
  }),
};
