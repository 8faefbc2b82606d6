import { createHash, randomBytes, randomInt } from 'node:crypto';
import { safeEqual } from '../credentials.js';
import type {
  DeviceInfo,
  DevicePoll,
  DeviceSettings,
  MailProtocol,
  MailScopes,
  OAuthClientConfig,
  OAuthGrantFilter,
  OAuthGrantInfo,
  OAuthOptions,
} from './types.js';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const GOOGLE_MAIL_SCOPE = 'https://mail.google.com/';

export const OAUTH_DEFAULTS = {
  scopes: [GOOGLE_MAIL_SCOPE, 'openid', 'email', 'profile', 'offline_access'],
  defaultIdentity: 'user@oauth.mock.test',
  accessTokenTtlSeconds: 3600,
  codeTtlSeconds: 60,
  deviceCodeTtlSeconds: 1800,
  deviceIntervalSeconds: 5,
  /** How long a consent page's form stays usable. */
  consentTtlSeconds: 600,
} as const;

/** An RFC 6749 error: `error` and `error_description` in a JSON body (token endpoint) or a redirect. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

/** The parameters of an authorization request that passed the checks, kept behind a consent form. */
export interface AuthorizationRequest {
  client: OAuthClientConfig;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  codeChallenge: string;
  loginHint: string | null;
}

/** What a pending device authorization looks like from the verification page. */
export interface DeviceRequest {
  userCode: string;
  client: OAuthClientConfig;
  scopes: string[];
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** The result of checking an access token presented to SMTP, IMAP, POP3 or /userinfo. */
export type TokenCheck =
  | { ok: true; identity: string; clientId: string; scopes: string[] }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

interface Grant {
  id: string;
  clientId: string;
  identity: string;
  scopes: string[];
  flow: OAuthGrantInfo['flow'];
  createdAt: number;
  revokedAt: number | null;
  lastIssuedAt: number;
  refreshTokens: number;
}

interface AccessToken {
  grantId: string;
  expiresAt: number;
}

interface RefreshToken {
  grantId: string;
  /** False once rotated: presenting it again is a reuse. */
  current: boolean;
}

interface Code {
  request: AuthorizationRequest;
  identity: string;
  expiresAt: number;
  /** Set once exchanged; a second exchange revokes the grant it made (RFC 6749 4.1.2). */
  grantId: string | null;
}

interface Consent {
  kind: 'authorize' | 'device';
  request: AuthorizationRequest | null;
  deviceCode: string | null;
  expiresAt: number;
}

interface Device {
  client: OAuthClientConfig;
  scopes: string[];
  userCode: string;
  expiresAt: number;
  intervalMs: number;
  /** The last poll, or the issue time before any: polling sooner than the interval is `slow_down`. */
  lastPollAt: number;
  status: 'pending' | 'approved' | 'denied' | 'used';
  identity: string | null;
  createdAt: number;
  /** Pending polls still to be answered `slow_down` whatever their timing (a test control). */
  forcedSlowDowns: number;
  /** Every poll of this device code and its answer (bounded). */
  polls: DevicePoll[];
}

const MAX_DEVICE_POLLS = 200;

const token = (bytes = 32) => randomBytes(bytes).toString('base64url');
/** RFC 8628 6.1: a user code from 20 consonants (no vowels, so no words), shown as XXXX-XXXX. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

export const NO_DEVICE_SETTINGS: DeviceSettings = {
  expiresInSeconds: null,
  intervalSeconds: null,
  slowDown: 0,
};

export const isEmail = (value: string) => EMAIL.test(value) && value.length <= 254;

/** Normalises what a person typed as a user code: case and separators do not matter. */
export const normaliseUserCode = (value: string) => value.toUpperCase().replace(/[^A-Z]/g, '');

/**
 * The OAuth2 provider the mock emulates: authorization codes with PKCE, refresh tokens that
 * rotate, the device authorization grant, and the checks SMTP, IMAP and POP3 make on the
 * tokens it issued. Everything lives in memory; `clock` makes expiry testable.
 */
export class OAuthProvider {
  readonly enabled: boolean;
  readonly scopes: string[];
  private readonly mailScopes: MailScopes;
  readonly defaultIdentity: string;
  /** The bearer mechanisms SMTP, IMAP and POP3 advertise and accept. */
  readonly mechanisms: ReadonlyArray<'XOAUTH2' | 'OAUTHBEARER'>;
  private readonly domains: 'all' | string[];
  private readonly clients: Map<string, OAuthClientConfig> | null;
  private readonly now: () => number;
  private readonly accessTtlMs: number;
  private readonly codeTtlMs: number;
  private readonly deviceTtlMs: number;
  private readonly intervalMs: number;
  private readonly dialect: 'rfc' | 'google';
  private issuerUrl: string;

  private grantMap = new Map<string, Grant>();
  private accessTokens = new Map<string, AccessToken>();
  private refreshTokens = new Map<string, RefreshToken>();
  private codes = new Map<string, Code>();
  private consents = new Map<string, Consent>();
  private devices = new Map<string, Device>();
  private userCodes = new Map<string, string>();
  private nextDevices: DeviceSettings = { ...NO_DEVICE_SETTINGS };

  /** `options` null: the endpoints still work, but no login is required to use a token. */
  constructor(options: OAuthOptions | null, issuer = '') {
    const o = options ?? {};
    this.enabled = options !== null;
    this.domains = o.domains === undefined ? 'all' : o.domains === 'all' ? 'all' : o.domains.map(lower);
    this.clients = o.clients ? new Map(o.clients.map((c) => [c.clientId, { ...c }])) : null;
    const mail = o.mailScope ?? GOOGLE_MAIL_SCOPE;
    this.mailScopes = typeof mail === 'string' ? { smtp: mail, imap: mail, pop3: mail } : { ...mail };
    this.scopes = o.scopes ?? [
      ...new Set([
        ...Object.values(this.mailScopes),
        ...OAUTH_DEFAULTS.scopes.filter((s) => s !== GOOGLE_MAIL_SCOPE),
      ]),
    ];
    this.defaultIdentity = o.defaultIdentity ?? OAUTH_DEFAULTS.defaultIdentity;
    this.mechanisms = o.mechanisms?.length ? [...new Set(o.mechanisms)] : ['XOAUTH2', 'OAUTHBEARER'];
    this.now = o.clock ?? Date.now;
    this.accessTtlMs = (o.accessTokenTtlSeconds ?? OAUTH_DEFAULTS.accessTokenTtlSeconds) * 1000;
    this.codeTtlMs = (o.codeTtlSeconds ?? OAUTH_DEFAULTS.codeTtlSeconds) * 1000;
    this.deviceTtlMs = (o.deviceCodeTtlSeconds ?? OAUTH_DEFAULTS.deviceCodeTtlSeconds) * 1000;
    this.dialect = o.dialect ?? 'rfc';
    this.intervalMs = (o.deviceIntervalSeconds ?? OAUTH_DEFAULTS.deviceIntervalSeconds) * 1000;
    this.issuerUrl = (o.issuer ?? issuer).replace(/\/+$/, '');
  }

  get issuer(): string {
    return this.issuerUrl;
  }

  /** Sets the issuer once the HTTP listener knows its port (unless `issuer` was configured). */
  setIssuer(url: string): void {
    if (!this.issuerUrl) this.issuerUrl = url.replace(/\/+$/, '');
  }

  /** RFC 8414 authorization server metadata (plus the userinfo endpoint, as OpenID discovery has it). */
  metadata(): Record<string, unknown> {
    const at = (path: string) => `${this.issuerUrl}${path}`;
    return {
      issuer: this.issuerUrl,
      authorization_endpoint: at('/oauth/authorize'),
      token_endpoint: at('/oauth/token'),
      device_authorization_endpoint: at('/oauth/device/code'),
      revocation_endpoint: at('/oauth/revoke'),
      userinfo_endpoint: at('/oauth/userinfo'),
      scopes_supported: this.scopes,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token', DEVICE_GRANT],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
    };
  }

  /** What `GET /api/oauth` shows: the configuration, without client secrets. */
  summary(): Record<string, unknown> {
    return {
      enabled: this.enabled,
      issuer: this.issuerUrl,
      metadataUrl: `${this.issuerUrl}/.well-known/oauth-authorization-server`,
      domains: this.enabled ? this.domains : [],
      mechanisms: this.mechanisms,
      mailScopes: this.mailScopes,
      defaultIdentity: this.defaultIdentity,
      accessTokenTtlSeconds: this.accessTtlMs / 1000,
      clients: this.clients
        ? [...this.clients.values()].map((c) => ({
            clientId: c.clientId,
            name: c.name ?? null,
            confidential: c.clientSecret !== undefined,
            redirectUris: c.redirectUris ?? null,
          }))
        : null,
    };
  }

  /** The scope a token needs to log in to this protocol. */
  mailScope(protocol: MailProtocol): string {
    return this.mailScopes[protocol];
  }

  /** Whether a login by this name must present one of the provider's tokens. */
  requiresToken(user: string): boolean {
    if (!this.enabled) return false;
    if (this.domains === 'all') return true;
    const domain = lower(user.slice(user.lastIndexOf('@') + 1));
    return user.includes('@') && this.domains.includes(domain);
  }

  // --- clients --------------------------------------------------------------------------

  /** The client by id: a registered one, or (without a clients list) one made up on the fly. */
  client(clientId: string): OAuthClientConfig | null {
    if (!this.clients) return { clientId };
    return this.clients.get(clientId) ?? null;
  }

  /**
   * Authenticates the client of a token or device request (RFC 6749 2.3.1): the secret by
   * HTTP Basic or in the body, required when the client has one. 401 invalid_client otherwise.
   */
  authenticateClient(basic: { id: string; secret: string } | null, body: URLSearchParams): OAuthClientConfig {
    const bodyId = body.get('client_id');
    const bodySecret = body.get('client_secret');
    if (basic && bodySecret !== null) {
      throw new OAuthError(
        'invalid_request',
        'use one client authentication method, not Basic and client_secret both',
      );
    }
    if (basic && bodyId !== null && bodyId !== basic.id) {
      throw new OAuthError('invalid_request', 'client_id differs from the Basic credentials');
    }
    const clientId = basic?.id ?? bodyId;
    if (!clientId) throw new OAuthError('invalid_client', 'client_id is missing', 401);
    const client = this.client(clientId);
    if (!client) throw new OAuthError('invalid_client', 'The OAuth client was not found.', 401);
    const secret = basic?.secret ?? bodySecret;
    if (client.clientSecret !== undefined) {
      if (secret === null) throw new OAuthError('invalid_client', 'client authentication is required', 401);
      if (!safeEqual(secret, client.clientSecret))
        throw new OAuthError('invalid_client', 'Unauthorized', 401);
    }
    return client;
  }

  // --- authorization code ---------------------------------------------------------------

  /**
   * Checks an authorization request. Problems with the client or the redirect URI throw an
   * OAuthError with `redirect: false` semantics (the page shows them: redirecting to an
   * unchecked URI would be an open redirector); the rest come back for a redirect.
   */
  checkClientAndRedirect(query: URLSearchParams): { client: OAuthClientConfig; redirectUri: string } {
    const clientId = query.get('client_id');
    if (!clientId) throw new OAuthError('invalid_request', 'Missing required parameter: client_id');
    const client = this.client(clientId);
    if (!client) throw new OAuthError('invalid_client', `The OAuth client ${clientId} was not found.`, 401);
    const redirectUri = query.get('redirect_uri');
    if (!redirectUri) throw new OAuthError('invalid_request', 'Missing required parameter: redirect_uri');
    if (client.redirectUris) {
      if (!client.redirectUris.includes(redirectUri)) {
        throw new OAuthError(
          'redirect_uri_mismatch',
          `The redirect URI ${redirectUri} is not registered for client ${clientId}.`,
        );
      }
    } else {
      let url: URL | null = null;
      try {
        url = new URL(redirectUri);
      } catch {}
      if (!url || !/^https?:$/.test(url.protocol) || url.hash) {
        throw new OAuthError(
          'invalid_request',
          'redirect_uri must be an absolute http(s) URL without a fragment',
        );
      }
    }
    return { client, redirectUri };
  }

  /** The remaining checks of an authorization request, once its redirect URI can be trusted. */
  checkAuthorizationRequest(
    query: URLSearchParams,
    client: OAuthClientConfig,
    redirectUri: string,
  ): AuthorizationRequest {
    if (query.get('response_type') !== 'code') {
      throw new OAuthError('unsupported_response_type', 'response_type must be code');
    }
    const codeChallenge = query.get('code_challenge');
    if (!codeChallenge)
      throw new OAuthError('invalid_request', 'PKCE is required: code_challenge is missing');
    if (query.get('code_challenge_method') !== 'S256') {
      throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
    }
    if (!CHALLENGE.test(codeChallenge)) {
      throw new OAuthError('invalid_request', 'code_challenge must be 43 base64url characters (S256)');
    }
    const scopes = this.parseScopes(query.get('scope'));
    return {
      client,
      redirectUri,
      scopes,
      state: query.get('state'),
      codeChallenge,
      loginHint: query.get('login_hint'),
    };
  }

  private parseScopes(raw: string | null): string[] {
    const scopes = [...new Set((raw ?? '').split(' ').filter(Boolean))];
    if (scopes.length === 0) throw new OAuthError('invalid_scope', 'Missing required parameter: scope');
    const unknown = scopes.filter((s) => !this.scopes.includes(s));
    if (unknown.length)
      throw new OAuthError('invalid_scope', `Some requested scopes were invalid: ${unknown.join(' ')}`);
    return scopes;
  }

  /** A single-use nonce for a consent form, bound to the request it answers. */
  consentNonce(kind: 'authorize', request: AuthorizationRequest): string;
  consentNonce(kind: 'device', deviceCode: string): string;
  consentNonce(kind: Consent['kind'], subject: AuthorizationRequest | string): string {
    this.sweep();
    const nonce = token(18);
    this.consents.set(nonce, {
      kind,
      request: typeof subject === 'string' ? null : subject,
      deviceCode: typeof subject === 'string' ? subject : null,
      expiresAt: this.now() + OAUTH_DEFAULTS.consentTtlSeconds * 1000,
    });
    return nonce;
  }

  /** Takes a consent nonce (once); null when unknown, used or expired. */
  takeConsent(nonce: string, kind: Consent['kind']): Consent | null {
    const consent = this.consents.get(nonce);
    this.consents.delete(nonce);
    if (!consent || consent.kind !== kind || consent.expiresAt <= this.now()) return null;
    return consent;
  }

  /** Issues an authorization code for an approved request (valid 60 s, single use). */
  issueCode(request: AuthorizationRequest, identity: string): string {
    this.sweep();
    const code = `4/${token()}`;
    this.codes.set(code, {
      request,
      identity: lower(identity),
      expiresAt: this.now() + this.codeTtlMs,
      grantId: null,
    });
    return code;
  }

  // --- token endpoint -------------------------------------------------------------------

  /** The token endpoint (RFC 6749 4.1.3, 6; RFC 8628 3.4) for an authenticated client. */
  token(client: OAuthClientConfig, body: URLSearchParams): TokenResponse {
    const grantType = body.get('grant_type');
    if (!grantType) throw new OAuthError('invalid_request', 'Missing required parameter: grant_type');
    if (grantType === 'authorization_code') return this.exchangeCode(client, body);
    if (grantType === 'refresh_token') return this.refresh(client, body);
    if (grantType === DEVICE_GRANT) return this.pollDevice(client, body);
    throw new OAuthError('unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  }

  private exchangeCode(client: OAuthClientConfig, body: URLSearchParams): TokenResponse {
    const value = required(body, 'code');
    const code = this.codes.get(value);
    if (!code) throw new OAuthError('invalid_grant', 'Malformed auth code.');
    if (code.grantId !== null) {
      // A code presented twice: someone else may hold it; take back what it gave.
      this.revokeGrant(code.grantId);
      throw new OAuthError('invalid_grant', 'The authorization code has already been used.');
    }
    if (code.expiresAt <= this.now()) {
      this.codes.delete(value);
      throw new OAuthError('invalid_grant', 'The authorization code has expired.');
    }
    if (code.request.client.clientId !== client.clientId) {
      throw new OAuthError('invalid_grant', 'The authorization code was issued to another client.');
    }
    if (body.get('redirect_uri') !== code.request.redirectUri) {
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request.');
    }
    const verifier = body.get('code_verifier');
    if (!verifier) throw new OAuthError('invalid_grant', 'Missing code verifier.');
    if (!VERIFIER.test(verifier) || s256(verifier) !== code.request.codeChallenge) {
      throw new OAuthError('invalid_grant', 'Invalid code verifier.');
    }
    const grant = this.newGrant(client.clientId, code.identity, code.request.scopes, 'authorization_code');
    code.grantId = grant.id;
    return this.issueTokens(grant, grant.scopes);
  }

  private refresh(client: OAuthClientConfig, body: URLSearchParams): TokenResponse {
    const value = required(body, 'refresh_token');
    const stored = this.refreshTokens.get(value);
    const grant = stored && this.grantMap.get(stored.grantId);
    if (!stored || !grant || grant.revokedAt !== null) {
      throw new OAuthError('invalid_grant', 'Token has been expired or revoked.');
    }
    if (grant.clientId !== client.clientId) {
      throw new OAuthError('invalid_grant', 'The refresh token was issued to another client.');
    }
    if (!stored.current) {
      // RFC 9700 4.14.2: a rotated refresh token used again means it leaked; end the grant.
      this.revokeGrant(grant.id);
      throw new OAuthError('invalid_grant', 'Token has been expired or revoked.');
    }
    const requested = body.get('scope');
    const scopes = requested === null ? grant.scopes : this.parseScopes(requested);
    const wider = scopes.filter((s) => !grant.scopes.includes(s));
    if (wider.length) throw new OAuthError('invalid_scope', `Scopes not granted: ${wider.join(' ')}`);
    stored.current = false;
    return this.issueTokens(grant, scopes);
  }

  private newGrant(clientId: string, identity: string, scopes: string[], flow: Grant['flow']): Grant {
    const now = this.now();
    const grant: Grant = {
      id: `grant_${token(9)}`,
      clientId,
      identity,
      scopes,
      flow,
      createdAt: now,
      revokedAt: null,
      lastIssuedAt: now,
      refreshTokens: 0,
    };
    this.grantMap.set(grant.id, grant);
    return grant;
  }

  private issueTokens(grant: Grant, scopes: string[]): TokenResponse {
    const accessToken = `ya29.${token()}`;
    const refreshToken = `1//${token(36)}`;
    grant.lastIssuedAt = this.now();
    grant.refreshTokens++;
    this.accessTokens.set(accessToken, { grantId: grant.id, expiresAt: this.now() + this.accessTtlMs });
    this.refreshTokens.set(refreshToken, { grantId: grant.id, current: true });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: Math.round(this.accessTtlMs / 1000),
      refresh_token: refreshToken,
      scope: scopes.join(' '),
    };
  }

  // --- device authorization grant -------------------------------------------------------

  /** The device authorization endpoint (RFC 8628 3.1–3.2). */
  authorizeDevice(client: OAuthClientConfig, body: URLSearchParams): Record<string, unknown> {
    this.sweep();
    const scopes = this.parseScopes(body.get('scope'));
    const deviceCode = token();
    let userCode = '';
    do {
      userCode = Array.from(
        { length: 8 },
        () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)],
      ).join('');
    } while (this.userCodes.has(userCode));
    const now = this.now();
    const ttlMs = (this.nextDevices.expiresInSeconds ?? this.deviceTtlMs / 1000) * 1000;
    const intervalMs = (this.nextDevices.intervalSeconds ?? this.intervalMs / 1000) * 1000;
    this.devices.set(deviceCode, {
      client,
      scopes,
      userCode,
      expiresAt: now + ttlMs,
      intervalMs,
      lastPollAt: now,
      status: 'pending',
      identity: null,
      createdAt: now,
      forcedSlowDowns: this.nextDevices.slowDown,
      polls: [],
    });
    this.userCodes.set(userCode, deviceCode);
    const shown = `${userCode.slice(0, 4)}-${userCode.slice(4)}`;
    const verificationUri = `${this.issuerUrl}/oauth/device`;
    const timing = {
      expires_in: Math.round(ttlMs / 1000),
      interval: Math.round(intervalMs / 1000),
    };
    if (this.dialect === 'google') {
      return { device_code: deviceCode, user_code: shown, verification_url: verificationUri, ...timing };
    }
    return {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${shown}`,
      ...timing,
    };
  }

  private pollDevice(client: OAuthClientConfig, body: URLSearchParams): TokenResponse {
    const deviceCode = required(body, 'device_code');
    const device = this.devices.get(deviceCode);
    if (!device || device.client.clientId !== client.clientId || device.status === 'used') {
      throw new OAuthError('invalid_grant', 'Bad device code.');
    }
    const now = this.now();
    const early = now - device.lastPollAt < device.intervalMs;
    const note = (answer: string, forced = false) => this.notePoll(device, now, answer, early, forced);
    if (device.expiresAt <= now) {
      note('expired_token');
      throw new OAuthError('expired_token', 'The device code has expired.');
    }
    // RFC 8628 answers every one of these with 400; Google with a status of its own.
    const google = this.dialect === 'google';
    if (device.status === 'denied') {
      note('access_denied');
      throw new OAuthError('access_denied', 'The user denied the request.', google ? 403 : 400);
    }
    if (device.status === 'pending') {
      device.lastPollAt = now;
      const forced = !early && device.forcedSlowDowns > 0;
      if (early || forced) {
        if (forced) device.forcedSlowDowns--;
        device.intervalMs += 5000; // RFC 8628 3.5: for this and every later request
        note('slow_down', forced);
        throw new OAuthError(
          'slow_down',
          `Polling too fast; wait ${device.intervalMs / 1000} s between requests.`,
          google ? 403 : 400,
        );
      }
      note('authorization_pending');
      throw new OAuthError(
        'authorization_pending',
        'The user has not yet approved the request.',
        google ? 428 : 400,
      );
    }
    device.status = 'used';
    this.userCodes.delete(device.userCode);
    note('tokens');
    const grant = this.newGrant(client.clientId, device.identity!, device.scopes, 'device_code');
    return this.issueTokens(grant, grant.scopes);
  }

  private notePoll(device: Device, now: number, answer: string, early: boolean, forced: boolean): void {
    if (device.polls.length >= MAX_DEVICE_POLLS) device.polls.shift();
    device.polls.push({
      at: new Date(now).toISOString(),
      answer,
      early,
      forced,
      intervalSeconds: device.intervalMs / 1000,
    });
  }

  /**
   * Records a poll a fault rule answered (it never reached the provider), so a device's poll log is
   * complete; the device's own state (interval, last poll) is left as it was.
   */
  noteFaultPoll(deviceCode: string, answer: string): void {
    const device = this.devices.get(deviceCode);
    if (!device) return;
    if (device.polls.length >= MAX_DEVICE_POLLS) device.polls.shift();
    device.polls.push({
      at: new Date(this.now()).toISOString(),
      answer,
      early: false,
      forced: true,
      intervalSeconds: device.intervalMs / 1000,
    });
  }

  /** The pending device authorization a person typed the user code of, or null. */
  deviceByUserCode(userCode: string): (DeviceRequest & { deviceCode: string }) | null {
    const deviceCode = this.userCodes.get(normaliseUserCode(userCode));
    const device = deviceCode ? this.pendingDevice(deviceCode) : null;
    return deviceCode && device ? { ...device, deviceCode } : null;
  }

  /** A device authorization still waiting for the person's decision, or null. */
  pendingDevice(deviceCode: string): DeviceRequest | null {
    const device = this.devices.get(deviceCode);
    if (device?.status !== 'pending' || device.expiresAt <= this.now()) return null;
    const shown = `${device.userCode.slice(0, 4)}-${device.userCode.slice(4)}`;
    return { userCode: shown, client: device.client, scopes: device.scopes };
  }

  /** Approves (with the identity) or denies a pending device authorization; false when it is no longer pending. */
  decideDevice(deviceCode: string, identity: string | null): boolean {
    const device = this.devices.get(deviceCode);
    if (device?.status !== 'pending' || device.expiresAt <= this.now()) return false;
    device.status = identity === null ? 'denied' : 'approved';
    device.identity = identity === null ? null : lower(identity);
    return true;
  }

  // --- tokens presented by clients ------------------------------------------------------

  /** Checks an access token the mock issued. */
  checkAccessToken(value: string): TokenCheck {
    const stored = this.accessTokens.get(value);
    const grant = stored && this.grantMap.get(stored.grantId);
    if (!stored || !grant) return { ok: false, reason: 'unknown' };
    if (grant.revokedAt !== null) return { ok: false, reason: 'revoked' };
    if (stored.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, identity: grant.identity, clientId: grant.clientId, scopes: grant.scopes };
  }

  /** RFC 7009: revokes the grant an access or refresh token belongs to (as Google does); unknown tokens are ignored. */
  revokeToken(client: OAuthClientConfig, value: string): void {
    const grantId = this.accessTokens.get(value)?.grantId ?? this.refreshTokens.get(value)?.grantId;
    const grant = grantId ? this.grantMap.get(grantId) : undefined;
    if (grant && grant.clientId === client.clientId) this.revokeGrant(grant.id);
  }

  // --- controls -------------------------------------------------------------------------

  /**
   * Makes a grant without the consent page, as if `identity` had approved `clientId`, and
   * returns its tokens: for tests that need a valid token and do not test the flow itself.
   */
  grant(options: { identity: string; clientId?: string; scopes?: string[] }): TokenResponse {
    const scopes = options.scopes ?? [...new Set(Object.values(this.mailScopes))];
    const unknown = scopes.filter((scope) => !this.scopes.includes(scope));
    if (unknown.length) throw new Error(`unknown scopes: ${unknown.join(' ')}`);
    if (!isEmail(options.identity)) throw new Error(`identity must be an email address: ${options.identity}`);
    const grant = this.newGrant(
      options.clientId ?? 'mock-client',
      lower(options.identity),
      scopes,
      'authorization_code',
    );
    return this.issueTokens(grant, scopes);
  }

  /** What device authorizations issued from now on get (`expiresInSeconds`, `intervalSeconds`, `slowDown`). */
  get deviceSettings(): DeviceSettings {
    return { ...this.nextDevices };
  }

  /**
   * Changes what device authorizations issued from now on get; fields left out keep their value, null
   * goes back to the configured one. Throws on a value out of range.
   */
  setDeviceSettings(settings: Partial<DeviceSettings>): DeviceSettings {
    const next = { ...this.nextDevices, ...settings };
    const seconds = (v: number | null) => v === null || (Number.isInteger(v) && v >= 1 && v <= 86_400);
    if (!seconds(next.expiresInSeconds))
      throw new Error('expiresInSeconds: a whole number of seconds, 1 to 86400');
    if (!seconds(next.intervalSeconds))
      throw new Error('intervalSeconds: a whole number of seconds, 1 to 86400');
    if (!Number.isInteger(next.slowDown) || next.slowDown < 0 || next.slowDown > 100)
      throw new Error('slowDown: a whole number, 0 to 100');
    this.nextDevices = next;
    return { ...next };
  }

  /** Device authorizations with their poll logs, newest first; never a device code. */
  devicesInfo(filter: { userCode?: string | undefined; clientId?: string | undefined } = {}): DeviceInfo[] {
    const wanted = filter.userCode === undefined ? null : normaliseUserCode(filter.userCode);
    const now = this.now();
    return [...this.devices.values()]
      .filter(
        (d) =>
          (wanted === null || d.userCode === wanted) &&
          (filter.clientId === undefined || d.client.clientId === filter.clientId),
      )
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((d) => ({
        userCode: `${d.userCode.slice(0, 4)}-${d.userCode.slice(4)}`,
        clientId: d.client.clientId,
        scopes: d.scopes,
        status: d.status === 'pending' && d.expiresAt <= now ? 'expired' : d.status,
        identity: d.identity,
        createdAt: new Date(d.createdAt).toISOString(),
        expiresAt: new Date(d.expiresAt).toISOString(),
        intervalSeconds: d.intervalMs / 1000,
        slowDownsLeft: d.forcedSlowDowns,
        polls: d.polls.map((p) => ({ ...p })),
      }));
  }

  /**
   * Acts on the device authorization with this user code: `slowDown` more of its pending polls answer
   * `slow_down`, `expire` ends its lifetime now (the next poll hears `expired_token`). False when unknown.
   */
  controlDevice(
    userCode: string,
    action: { slowDown?: number | undefined; expire?: boolean | undefined },
  ): boolean {
    const deviceCode = this.userCodes.get(normaliseUserCode(userCode));
    const device = deviceCode ? this.devices.get(deviceCode) : undefined;
    if (!device) return false;
    if (action.slowDown !== undefined) device.forcedSlowDowns += action.slowDown;
    if (action.expire) device.expiresAt = Math.min(device.expiresAt, this.now());
    return true;
  }

  /** Revokes every matching grant: its access and refresh tokens stop working at once. Returns how many. */
  revoke(filter: OAuthGrantFilter = {}): number {
    let count = 0;
    for (const grant of this.matching(filter)) {
      if (grant.revokedAt === null && this.revokeGrant(grant.id)) count++;
    }
    return count;
  }

  /** Expires the access tokens of matching grants now (refresh tokens keep working). Returns how many. */
  expireAccessTokens(filter: OAuthGrantFilter = {}): number {
    const ids = new Set(this.matching(filter).map((g) => g.id));
    const now = this.now();
    let count = 0;
    for (const stored of this.accessTokens.values()) {
      if (ids.has(stored.grantId) && stored.expiresAt > now) {
        stored.expiresAt = now;
        count++;
      }
    }
    return count;
  }

  grants(filter: OAuthGrantFilter = {}): OAuthGrantInfo[] {
    const now = this.now();
    return this.matching(filter).map((grant) => ({
      id: grant.id,
      clientId: grant.clientId,
      identity: grant.identity,
      scopes: grant.scopes,
      flow: grant.flow,
      createdAt: new Date(grant.createdAt).toISOString(),
      revokedAt: grant.revokedAt === null ? null : new Date(grant.revokedAt).toISOString(),
      activeAccessTokens:
        grant.revokedAt === null
          ? [...this.accessTokens.values()].filter((t) => t.grantId === grant.id && t.expiresAt > now).length
          : 0,
      refreshTokens: grant.refreshTokens,
      lastIssuedAt: new Date(grant.lastIssuedAt).toISOString(),
    }));
  }

  /** Forgets every grant, token, code and device authorization. */
  reset(): void {
    for (const map of [
      this.grantMap,
      this.accessTokens,
      this.refreshTokens,
      this.codes,
      this.consents,
      this.devices,
      this.userCodes,
    ]) {
      map.clear();
    }
    this.nextDevices = { ...NO_DEVICE_SETTINGS };
  }

  private matching(filter: OAuthGrantFilter): Grant[] {
    return [...this.grantMap.values()].filter(
      (g) =>
        (filter.grantId === undefined || g.id === filter.grantId) &&
        (filter.clientId === undefined || g.clientId === filter.clientId) &&
        (filter.identity === undefined || g.identity === lower(filter.identity)),
    );
  }

  private revokeGrant(id: string): boolean {
    const grant = this.grantMap.get(id);
    if (!grant || grant.revokedAt !== null) return false;
    grant.revokedAt = this.now();
    return true;
  }

  /** Drops expired codes, consent forms and device authorizations, so a long-running mock stays small. */
  private sweep(): void {
    const now = this.now();
    // Used codes stay a while, so a replay is still recognised (and revokes what the code gave).
    for (const [key, code] of this.codes) if (code.expiresAt + this.codeTtlMs <= now) this.codes.delete(key);
    for (const [key, consent] of this.consents) if (consent.expiresAt <= now) this.consents.delete(key);
    for (const [key, device] of this.devices) {
      // Kept a while after expiry so a late poll still hears expired_token rather than invalid_grant.
      if (device.expiresAt + this.deviceTtlMs <= now) {
        this.devices.delete(key);
        this.userCodes.delete(device.userCode);
      }
    }
  }
}

function required(body: URLSearchParams, name: string): string {
  const value = body.get(name);
  if (!value) throw new OAuthError('invalid_request', `Missing required parameter: ${name}`);
  return value;
}

const lower = (value: string) => value.toLowerCase();

/** PKCE S256 (RFC 7636 4.2): BASE64URL(SHA256(ASCII(code_verifier))). */
export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
