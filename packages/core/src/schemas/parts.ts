// The pieces every part of an account shares (security modes, sign-in, From, the common outgoing
// fields), input and view, and how a sign-in is split into what is stored in clear and its secrets.
// Each transport's settings (packages/core/src/transports/<kind>/settings.ts) and the incoming part
// are built from these. Imports only zod: safe in the browser.
import { z } from 'zod';
import { domainName, emailAddress, headerSafe } from './common';

export const securityModes = ['none', 'starttls', 'tls'] as const;
export const securitySchema = z.enum(securityModes);
export type Security = z.infer<typeof securitySchema>;

/** Port an SMTP client uses for each security mode when none is given. */
export const smtpDefaultPorts: Record<Security, number> = { none: 25, starttls: 587, tls: 465 };
export const imapDefaultPorts: Record<Security, number> = { none: 143, starttls: 143, tls: 993 };
export const pop3DefaultPorts: Record<Security, number> = { none: 110, starttls: 110, tls: 995 };

// ---- secrets on input: string = set/replace, null = clear, omitted = keep (on PATCH) ----
export const secretInput = z.string().min(1, 'must not be empty').max(4096).nullable().optional();
/** A secret as the input carries it: a string sets or replaces, null clears, undefined keeps. */
export type SecretValue = string | null | undefined;

const username = headerSafe(320);

/**
 * The SASL mechanism an OAuth2 sign-in uses on SMTP, IMAP and POP3. `auto`: XOAUTH2, unless the server
 * advertises OAUTHBEARER (RFC 7628) and not XOAUTH2 (Google, Microsoft, Yahoo and AOL all take XOAUTH2;
 * Microsoft takes nothing else). `xoauth2` / `oauthbearer` force one.
 */
export const saslMechanisms = ['auto', 'xoauth2', 'oauthbearer'] as const;
export const saslMechanismSchema = z
  .enum(saslMechanisms)
  .describe(
    'SASL mechanism for the OAuth2 token: auto (XOAUTH2 unless the server advertises only OAUTHBEARER), xoauth2 or oauthbearer (RFC 7628)',
  );
export type SaslMechanism = z.infer<typeof saslMechanismSchema>;

export const authInputSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('none') }),
  z.object({
    method: z.literal('password'),
    username: username.min(1, 'is required'),
    password: secretInput,
  }),
  z.object({
    method: z.literal('oauth2'),
    username: username.min(1, 'is required'),
    clientId: headerSafe(512).min(1, 'is required'),
    clientSecret: secretInput,
    refreshToken: secretInput,
    /** Left out: `auto`. */
    mechanism: saslMechanismSchema.optional(),
    tokenUrl: z
      .url({ message: 'must be a URL' })
      .refine(
        (u) => u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//.test(u),
        {
          message: 'must be an https:// URL (http only on loopback)',
        },
      ),
  }),
]);
export type AuthParsed = z.output<typeof authInputSchema>;

export const authViewSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('none') }),
  z.object({ method: z.literal('password'), username: z.string(), hasPassword: z.boolean() }),
  z.object({
    method: z.literal('oauth2'),
    username: z.string(),
    clientId: z.string(),
    tokenUrl: z.string(),
    mechanism: saslMechanismSchema,
    hasClientSecret: z.boolean(),
    hasToken: z.boolean(),
  }),
]);
export type AuthView = z.infer<typeof authViewSchema>;

/** The secret fields of a sign-in, relative to the part (`auth.password`). */
export const authSecretFields = ['auth.password', 'auth.clientSecret', 'auth.refreshToken'] as const;
export type AuthSecretField = (typeof authSecretFields)[number];

/** A sign-in as stored: its secrets live apart, encrypted. */
export type AuthStored =
  | { method: 'none' }
  | { method: 'password'; username: string }
  | {
      method: 'oauth2';
      username: string;
      clientId: string;
      tokenUrl: string;
      /** Left out by accounts saved before the setting existed: `auto`. */
      mechanism?: SaslMechanism;
    };

/** What a secret need looks like: the field, and whether the settings cannot work without it. */
export type SecretUse<F extends string = string> = { field: F; required: boolean };

/** Splits a sign-in into what is stored in clear and its secrets (as the input carries them). */
export function splitAuth(auth: AuthParsed): {
  stored: AuthStored;
  secrets: Partial<Record<AuthSecretField, SecretValue>>;
} {
  if (auth.method === 'none') return { stored: { method: 'none' }, secrets: {} };
  if (auth.method === 'password') {
    return {
      stored: { method: 'password', username: auth.username },
      secrets: { 'auth.password': auth.password },
    };
  }
  return {
    stored: {
      method: 'oauth2',
      username: auth.username,
      clientId: auth.clientId,
      tokenUrl: auth.tokenUrl,
      ...(auth.mechanism ? { mechanism: auth.mechanism } : {}),
    },
    secrets: { 'auth.clientSecret': auth.clientSecret, 'auth.refreshToken': auth.refreshToken },
  };
}

/** A stored sign-in with its secrets put back (`secret` answers a field's plaintext, or undefined). */
export function attachAuth(auth: AuthStored, secret: (field: AuthSecretField) => SecretValue): AuthParsed {
  if (auth.method === 'none') return auth;
  if (auth.method === 'password') return { ...auth, password: secret('auth.password') };
  return { ...auth, clientSecret: secret('auth.clientSecret'), refreshToken: secret('auth.refreshToken') };
}

/** The secrets a sign-in uses: a password, or an OAuth2 refresh token (and maybe a client secret). */
export function authSecretsUsed(auth: AuthStored): Array<SecretUse<AuthSecretField>> {
  if (auth.method === 'password') return [{ field: 'auth.password', required: true }];
  if (auth.method === 'oauth2') {
    return [
      { field: 'auth.refreshToken', required: true },
      { field: 'auth.clientSecret', required: false },
    ];
  }
  return [];
}

/** The view of a stored sign-in: `has*` flags in place of its secrets. */
export function authView(auth: AuthStored, has: (field: AuthSecretField) => boolean): AuthView {
  if (auth.method === 'none') return { method: 'none' };
  if (auth.method === 'password') {
    return { method: 'password', username: auth.username, hasPassword: has('auth.password') };
  }
  return {
    method: 'oauth2',
    username: auth.username,
    clientId: auth.clientId,
    tokenUrl: auth.tokenUrl,
    mechanism: auth.mechanism ?? 'auto',
    hasClientSecret: has('auth.clientSecret'),
    hasToken: has('auth.refreshToken'),
  };
}

export const fromSchema = z.object({
  address: emailAddress,
  name: headerSafe(200).optional(),
});

/** An entry of fromFilter: a full address (sales@example.com) or a domain (example.com or @example.com). */
export const fromFilterEntry = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => emailAddress.safeParse(s).success || domainName.safeParse(s.replace(/^@/, '')).success, {
    message: 'must be an email address or a domain',
  });

export const sendModeSchema = z.enum(['immediate', 'queued']);

/**
 * What a send gets when its From is one the account may not send as (not its own address, not covered
 * by a non-empty fromFilter): `refuse` it (400 on from.address), or `rewrite` it: send from the
 * account's own address with the requested one as Reply-To (Odoo's behaviour).
 */
export const fromNotAllowedSchema = z.enum(['refuse', 'rewrite']);
export type FromNotAllowed = z.infer<typeof fromNotAllowedSchema>;

// ---- DKIM signing (docs/DELIVERABILITY.md) ----
const dnsLabel = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A DKIM selector: one or more DNS labels (`mailroom`, `mr2026`, `s1.eu`). */
export const dkimSelector = z
  .string()
  .trim()
  .toLowerCase()
  .max(63)
  .regex(new RegExp(`^${dnsLabel}(?:\\.${dnsLabel})*$`), {
    message: 'must be DNS labels such as mailroom or mr2026',
  });

/**
 * DKIM signing of an outgoing part. `privateKey` (PEM, RSA or Ed25519) is a secret: write-only, encrypted
 * at rest. `generateKey: true` makes Mailroom generate a 2048-bit RSA key instead (replacing a stored
 * one). `domain` is the `d=` of the signature, the From address's domain when left out.
 */
export const dkimInputSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Sign outgoing mail (default true); off keeps the settings and key'),
    domain: domainName.optional().describe("The signature's d=; left out, the From address's domain"),
    selector: dkimSelector.default('mailroom').describe("The signature's s= (default mailroom)"),
    privateKey: z
      .string()
      .min(1, 'must not be empty')
      .max(10000)
      .nullable()
      .optional()
      .describe(
        'RSA private key in PEM (write-only, encrypted); null clears it; omitted keeps the stored one',
      ),
    generateKey: z
      .boolean()
      .optional()
      .describe(
        'true: Mailroom generates a 2048-bit RSA key on save (replacing a stored one); see dkim.record',
      ),
  })
  .refine((d) => !(d.generateKey && typeof d.privateKey === 'string'), {
    path: ['generateKey'],
    message: 'give a private key or ask for one to be generated, not both',
  });
export type DkimParsed = z.output<typeof dkimInputSchema>;

/** The DNS record a DKIM key is published in: `<selector>._domainkey.<domain> TXT "v=DKIM1; k=rsa; p=…"`. */
export const dkimRecordSchema = z.object({ name: z.string(), type: z.literal('TXT'), value: z.string() });

export const dkimViewSchema = z.object({
  enabled: z.boolean(),
  domain: z.string(),
  selector: z.string(),
  /** A private key is stored (never returned). */
  privateKeySet: z.boolean(),
  /** The TXT record to publish, derived from the stored key's public half; null without a key. */
  record: dkimRecordSchema.nullable(),
});
export type DkimView = z.infer<typeof dkimViewSchema>;

/** The fields every outgoing part has, whatever its transport. */
export const outgoingCommon = {
  from: fromSchema,
  replyTo: emailAddress.optional(),
  fromFilter: z.array(fromFilterEntry).max(200).default([]),
  sendMode: sendModeSchema.default('queued'),
  /** Left out: `refuse` (what accounts stored before the setting do too). */
  fromNotAllowed: fromNotAllowedSchema.optional(),
  /** Per-account send rate limit, messages per minute; 0 = unlimited. */
  rateLimitPerMinute: z.number().int().min(0).max(100000).default(0),
  /**
   * VERP: the mailbox bounces come back to. Set, each recipient is sent in its own transaction with the
   * envelope sender `local+<token>@domain`, the token naming the message and recipient. Off when left out.
   */
  bounceAddress: emailAddress
    .refine((a) => !a.split('@')[0]!.includes('+'), {
      message: 'must not carry a +tag: Mailroom adds its own',
    })
    // The token takes 44 of the 64 characters a local part may have (RFC 5321).
    .refine((a) => a.split('@')[0]!.length <= 20, { message: 'must have at most 20 characters before the @' })
    .optional(),
  /** DKIM signing with the account's own key (SMTP, sendmail, SES); left out: not signed by Mailroom. */
  dkim: dkimInputSchema.optional(),
};

export const outgoingViewCommon = {
  from: fromSchema,
  replyTo: z.string().optional(),
  fromFilter: z.array(z.string()),
  sendMode: sendModeSchema,
  fromNotAllowed: fromNotAllowedSchema,
  rateLimitPerMinute: z.number(),
  bounceAddress: z.string().optional(),
  verifiedAt: z.string().nullable(),
  dkim: dkimViewSchema.optional(),
};
/** The common outgoing fields as a view shows them. */
export type OutgoingViewCommon = {
  from: { address: string; name?: string | undefined };
  replyTo?: string | undefined;
  fromFilter: string[];
  sendMode: 'immediate' | 'queued';
  fromNotAllowed: FromNotAllowed;
  rateLimitPerMinute: number;
  bounceAddress?: string | undefined;
  verifiedAt: string | null;
  dkim?: DkimView | undefined;
};
