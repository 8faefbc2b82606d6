import type { OAuthProvider } from './provider.js';
import type { MailProtocol } from './types.js';

/** The SASL mechanisms that carry an OAuth2 bearer token. */
export type BearerMechanism = 'XOAUTH2' | 'OAUTHBEARER';

export const BEARER_MECHANISMS: readonly BearerMechanism[] = ['XOAUTH2', 'OAUTHBEARER'];

/** What a bearer mechanism's client response carries; `user` is null when OAUTHBEARER names no authzid. */
export interface BearerCredentials {
  user: string | null;
  token: string;
}

/** The separator of SASL bearer fields (^A). */
const SOH = String.fromCharCode(1);

function bearer(value: string | undefined): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(value ?? '')?.[1] ?? null;
}

/** XOAUTH2 (Google): `user=<address>^Aauth=Bearer <token>^A^A`. */
export function parseXoauth2(response: string): BearerCredentials | null {
  const fields = new Map<string, string>();
  for (const part of response.split(SOH)) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
  }
  const user = fields.get('user');
  const token = bearer(fields.get('auth'));
  return user && token ? { user, token } : null;
}

/**
 * OAUTHBEARER (RFC 7628 3.1): a GS2 header `n,a=<authzid>,` then `^A`-separated key=value
 * pairs (`host`, `port`, `auth=Bearer <token>`) ending in `^A^A`.
 */
export function parseOauthbearer(response: string): BearerCredentials | null {
  const [header, ...pairs] = response.split(SOH);
  // The GS2 header, then key=value pairs, then two SOHs: the split ends in two empty strings.
  if (header === undefined || pairs.length < 3 || pairs.at(-1) !== '' || pairs.at(-2) !== '') return null;
  const gs2 = /^([ny]|p=[^,]*),(a=[^,]*)?,$/.exec(header);
  if (!gs2) return null;
  const user = gs2[2] ? gs2[2].slice(2).replace(/=2C/gi, ',').replace(/=3D/gi, '=') : null;
  const fields = new Map<string, string>();
  for (const part of pairs.slice(0, -2)) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
  }
  const token = bearer(fields.get('auth'));
  return token ? { user: user || null, token } : null;
}

export function parseBearer(mechanism: BearerMechanism, response: string): BearerCredentials | null {
  return mechanism === 'XOAUTH2' ? parseXoauth2(response) : parseOauthbearer(response);
}

export type BearerOutcome =
  | { ok: true; user: string }
  | {
      ok: false;
      /** Why, for the mock's log (never the token). */
      reason: string;
      /** The error the server sends (as base64 JSON, a challenge) before it fails the exchange. */
      error: Record<string, string>;
      /** `error` as the challenge: base64 of its JSON. */
      challenge: string;
    };

/**
 * Checks a bearer login against the provider's tokens. A failure carries the error the way
 * Gmail sends it: XOAUTH2 `{"status":"401","schemes":"Bearer","scope":…}`, OAUTHBEARER the
 * RFC 7628 3.2.2 form `{"status":"invalid_token","scope":…,"openid-configuration":…}`.
 */
export function checkBearer(
  provider: OAuthProvider,
  mechanism: BearerMechanism,
  credentials: BearerCredentials,
  protocol: MailProtocol,
): BearerOutcome {
  const scope = provider.mailScope(protocol);
  const result = provider.checkAccessToken(credentials.token);
  const fail = (reason: string, insufficientScope = false): BearerOutcome => {
    const error: Record<string, string> =
      mechanism === 'XOAUTH2'
        ? { status: insufficientScope ? '400' : '401', schemes: 'Bearer', scope }
        : {
            status: insufficientScope ? 'insufficient_scope' : 'invalid_token',
            scope,
            'openid-configuration': `${provider.issuer}/.well-known/openid-configuration`,
          };
    return { ok: false, reason, error, challenge: challengeOf(error) };
  };
  if (!result.ok) return fail(`${result.reason} token`);
  if (credentials.user !== null && credentials.user.toLowerCase() !== result.identity) {
    return fail(`token of ${result.identity} presented for ${credentials.user}`);
  }
  if (!result.scopes.includes(scope)) return fail(`token without ${scope}`, true);
  return { ok: true, user: credentials.user ?? result.identity };
}

/** A SASL error challenge: base64 of the JSON. */
export const challengeOf = (error: object) => Buffer.from(JSON.stringify(error)).toString('base64');

/** What Gmail answers a password login on an account that needs OAuth (or an app password). */
export const PASSWORD_REFUSED = {
  smtp: '5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor',
  imap: '[ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)',
  pop3: '-ERR [AUTH] Application-specific password required: https://support.google.com/accounts/answer/185833',
} as const;

/** What Gmail answers once the client has acknowledged a failed bearer exchange. */
export const BEARER_REFUSED = {
  smtp: '5.7.8 Username and Password not accepted. Learn more at https://support.google.com/mail/?p=BadCredentials',
  imap: '[AUTHENTICATIONFAILED] Invalid credentials (Failure)',
  pop3: '-ERR [AUTH] Invalid credentials.',
} as const;
