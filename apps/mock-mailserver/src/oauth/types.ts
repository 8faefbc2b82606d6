/** Public types of the mock's OAuth2 provider emulation. */

/** A client registered in advance. Without a `clients` list any client_id is accepted as it comes. */
export interface OAuthClientConfig {
  clientId: string;
  /** When set, the token and device endpoints require it (client_secret_basic or client_secret_post). */
  clientSecret?: string | undefined;
  /** When set, redirect_uri must be one of these exactly; otherwise any http(s) URL is accepted. */
  redirectUris?: string[] | undefined;
  /** Shown on the consent page ("<name> wants to access your mail"). Default: the client_id. */
  name?: string | undefined;
}

export interface OAuthOptions {
  /**
   * Which SMTP/IMAP/POP3 logins must use a token the mock issued (XOAUTH2 or OAUTHBEARER):
   * `'all'` (default), or the address domains that must (`['oauth.mock.test']`); other logins
   * keep working with passwords. A password login that must use a token is refused the way
   * Gmail refuses it ("Application-specific password required").
   */
  domains?: 'all' | string[] | undefined;
  /**
   * The SASL mechanisms for a token that SMTP, IMAP and POP3 advertise and accept. Default both;
   * `['XOAUTH2']` is Microsoft 365 (and tests a client's choice when only one is on offer).
   */
  mechanisms?: Array<'XOAUTH2' | 'OAUTHBEARER'> | undefined;
  /** Registered clients; left out, every client_id is accepted on the fly. */
  clients?: OAuthClientConfig[] | undefined;
  /** The scopes the provider knows. Default: the mail scopes, openid, email, profile, offline_access. */
  scopes?: string[] | undefined;
  /**
   * The scope a token needs for SMTP, IMAP and POP3: one for all (Google's
   * `https://mail.google.com/`, the default), or one per protocol as Microsoft has them
   * (`{ smtp: 'https://outlook.office.com/SMTP.Send', imap: '….IMAP.AccessAsUser.All', pop3: '….POP.AccessAsUser.All' }`).
   */
  mailScope?: string | MailScopes | undefined;
  /** The identity the consent pages propose when the request has no login_hint. Default `user@oauth.mock.test`. */
  defaultIdentity?: string | undefined;
  /** Lifetime of access tokens in seconds. Default 3600. */
  accessTokenTtlSeconds?: number | undefined;
  /** Lifetime of authorization codes in seconds. Default 60. */
  codeTtlSeconds?: number | undefined;
  /** Lifetime of device codes in seconds. Default 1800. */
  deviceCodeTtlSeconds?: number | undefined;
  /** The polling interval the device authorization endpoint announces, in seconds. Default 5. */
  deviceIntervalSeconds?: number | undefined;
  /**
   * `'rfc'` (default): every device-flow error is a 400, and the device authorization response
   * names `verification_uri` (RFC 8628). `'google'`: as Google's device flow answers —
   * `authorization_pending` 428, `slow_down` and `access_denied` 403, and `verification_url`
   * instead of `verification_uri` / `verification_uri_complete`.
   */
  dialect?: 'rfc' | 'google' | undefined;
  /** The issuer and base of every endpoint URL. Default the HTTP listener's URL (`http://127.0.0.1:8025`). */
  issuer?: string | undefined;
  /** Milliseconds since the epoch; replace it in tests to expire codes and tokens without waiting. Default `Date.now`. */
  clock?: (() => number) | undefined;
}

/** The scope each mail protocol needs. */
export interface MailScopes {
  smtp: string;
  imap: string;
  pop3: string;
}

/** A mail protocol a token is presented to. */
export type MailProtocol = keyof MailScopes;

/** A grant as listed by `GET /api/oauth/grants` and `mock.oauth.grants()`: no token in it. */
export interface OAuthGrantInfo {
  id: string;
  clientId: string;
  identity: string;
  scopes: string[];
  /** How the grant was made. */
  flow: 'authorization_code' | 'device_code';
  createdAt: string;
  revokedAt: string | null;
  /** Access tokens issued for the grant that have neither expired nor been revoked. */
  activeAccessTokens: number;
  /** How many refresh tokens the grant has had (1 + the rotations). */
  refreshTokens: number;
  /** When the last token was issued (the last code exchange or refresh). */
  lastIssuedAt: string;
}

/** Selects grants for revoke and expire: every given field must match; none given selects all. */
export interface OAuthGrantFilter {
  identity?: string | undefined;
  clientId?: string | undefined;
  grantId?: string | undefined;
}

/** One poll of a device code's token requests, as the mock answered it. */
export interface DevicePoll {
  at: string;
  /** `authorization_pending`, `slow_down`, `access_denied`, `expired_token`, `tokens`, or a fault rule's error. */
  answer: string;
  /** Sooner than the interval the device required at the time (what earns a `slow_down`). */
  early: boolean;
  /** Answered by a control (a forced `slow_down`, a fault rule) rather than by the poll's timing. */
  forced: boolean;
  /** The interval the device requires from now on, after this answer. */
  intervalSeconds: number;
}

/** A device authorization as `GET /api/oauth/devices` lists it: never the device code. */
export interface DeviceInfo {
  userCode: string;
  clientId: string;
  scopes: string[];
  status: 'pending' | 'approved' | 'denied' | 'used' | 'expired';
  identity: string | null;
  createdAt: string;
  expiresAt: string;
  intervalSeconds: number;
  /** Pending polls still to be answered `slow_down` by the control. */
  slowDownsLeft: number;
  polls: DevicePoll[];
}

/** What device authorizations issued from now on get (test controls); null keeps the configured value. */
export interface DeviceSettings {
  /** `expires_in` of new device codes, in seconds. */
  expiresInSeconds: number | null;
  /** `interval` of new device codes, in seconds. */
  intervalSeconds: number | null;
  /** How many of each new device code's first pending polls are answered `slow_down`, whatever their timing. */
  slowDown: number;
}
