// Provider discovery and OAuth2 sign-in: the autoconfig lookup, starting a code or device flow, and
// reading an authorization's outcome. Shapes follow DESIGN.md "Real providers".
import type { OAuthCallbackResult, OAuthStatus } from '@mailroom/core/schemas';
import { get, post } from './api';

export type { OAuthStatus };

export type DiscoveredServer = {
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  protocol?: 'smtp' | 'imap' | 'pop3';
  /** The login name: the address unless the source says otherwise. */
  username?: string;
};

export type AuthMethod = 'password' | 'app_password' | 'oauth2' | 'api_key';

/** What `GET /autoconfig?email=` proposes. */
export type Autoconfig = {
  source: 'catalog' | 'catalogue' | 'mx' | 'autoconfig' | 'srv' | 'none' | string;
  provider?: { id: string; name: string } | null;
  outgoing?: DiscoveredServer | DiscoveredServer[] | null;
  /** IMAP before POP3, the preferred first (older answers: one server, or one per protocol). */
  incoming?:
    | DiscoveredServer[]
    | DiscoveredServer
    | Partial<Record<'imap' | 'pop3', DiscoveredServer>>
    | null;
  auth: AuthMethod[];
  /** The provider's OAuth2 details, when it takes OAuth2. */
  oauth?: {
    provider?: string;
    device?: boolean;
    pkce?: boolean;
    tokenEndpoint?: string;
    authorizationEndpoint?: string;
    deviceEndpoint?: string;
  } | null;
  username?: string | null;
  note?: string | null;
  /** How each source fared (answered, empty, failed, skipped). */
  sources?: Array<{ source: string; status: string; detail: string }>;
};

export const sourceText: Record<string, string> = {
  catalog: 'from the catalogue',
  catalogue: 'from the catalogue',
  mx: 'from MX records',
  autoconfig: 'from autoconfig',
  srv: 'from SRV',
};

export const discover = (email: string) => get<Autoconfig>('/autoconfig', { email });

export type OAuthEndpointsInput = {
  authorizationEndpoint?: string;
  tokenEndpoint: string;
  deviceAuthorizationEndpoint?: string;
  userinfoEndpoint?: string;
  scopes?: string[];
};

export type StartAuthorization = {
  provider?: string;
  endpoints?: OAuthEndpointsInput;
  clientId: string;
  clientSecret?: string;
  flow: 'code' | 'device';
  accountId?: string;
  loginHint?: string;
};

export type CodeStarted = { id: string; flow?: 'code'; authorizationUrl: string };
export type DeviceStarted = {
  id: string;
  flow?: 'device';
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds. */
  expiresIn: number;
  /** Seconds between polls. */
  interval: number;
};

export type AuthorizationView = {
  id: string;
  status: OAuthStatus;
  identity: string | null;
  error?: string | null;
  accountId?: string | null;
  provider?: string | null;
  tokenEndpoint?: string | null;
};

export const startCode = (input: Omit<StartAuthorization, 'flow'>) =>
  post<CodeStarted>('/oauth/authorizations', { ...input, flow: 'code' });
export const startDevice = (input: Omit<StartAuthorization, 'flow'>) =>
  post<DeviceStarted>('/oauth/authorizations', { ...input, flow: 'device' });
export const getAuthorization = (id: string) =>
  get<AuthorizationView>(`/oauth/authorizations/${encodeURIComponent(id)}`);

// One sentence for every status an authorization has and every result the callback redirects with: a
// result the API adds and the web does not word fails the typecheck here.
const outcomeText: Record<OAuthStatus | OAuthCallbackResult, string> = {
  pending: 'Waiting for you to approve…',
  connected: 'Connected',
  denied: 'The sign-in was denied. Start again to retry.',
  expired: 'The code expired before it was approved. Start again for a new code.',
  error: 'The sign-in failed. Start again to retry.',
  invalid:
    'This sign-in was already used or was not started here, so nothing was connected. Start the sign-in again.',
};

/** What the person reads for each outcome of a sign-in. */
export function statusText(
  status: OAuthStatus | OAuthCallbackResult,
  identity?: string | null,
  error?: string | null,
): string {
  if (status === 'connected' && identity) return `Connected as ${identity}`;
  if (status === 'error' && error) return `The sign-in failed: ${error}`;
  // A result from an older or newer API than this page knows reads as a failure.
  // Own keys only: the result comes from the URL, and `constructor` or `__proto__` is on every object.
  return Object.hasOwn(outcomeText, status) ? outcomeText[status] : outcomeText.error;
}

/** Seconds as m:ss for the countdown. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// A code flow leaves the page; the form's draft (without secrets) waits here for the way back.
const PENDING_KEY = 'mailroom.oauth.pending';

export type PendingSignIn = { authorizationId: string; returnTo: string; draft?: unknown };

export function rememberSignIn(p: PendingSignIn): void {
  try {
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(p));
  } catch {
    // Private mode without storage: the way back still shows the result, only the typed fields are lost.
  }
}

export function takeSignIn(): PendingSignIn | undefined {
  try {
    const raw = sessionStorage.getItem(PENDING_KEY);
    if (!raw) return undefined;
    sessionStorage.removeItem(PENDING_KEY);
    return JSON.parse(raw) as PendingSignIn;
  } catch {
    return undefined;
  }
}

/**
 * The callback sends the browser back with the authorization's id and result in the query string
 * (`?oauth=connected&authorization=…`); older names are accepted too.
 */
export function returnedSignIn(search: URLSearchParams): { id: string; result: string } | undefined {
  const id = search.get('authorization') ?? search.get('authorizationId') ?? search.get('oauthId');
  const result = search.get('oauth') ?? search.get('result') ?? search.get('status');
  if (!id && !result) return undefined;
  return { id: id ?? '', result: result ?? '' };
}

/** "Google (Gmail, Google Workspace)" → "Google"; "Microsoft 365 / Outlook.com" → "Microsoft 365". */
export function shortProviderName(name: string): string {
  return name.split(/ \(| \/ /)[0]?.trim() || name;
}

/** A copy with every write-only secret emptied (kept only as "stored or not"), safe to park in storage. */
export function scrubSecrets<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      v && typeof v === 'object' && 'mode' in v && 'value' in v && 'stored' in v
        ? { ...(v as object), mode: (v as { stored: boolean }).stored ? 'keep' : 'replace', value: '' }
        : // A DKIM draft's pasted private key (lib/dkimDraft.ts) is a secret too: pasted again on the way back.
          v && typeof v === 'object' && 'keyMode' in v && 'pasted' in v
          ? { ...(v as object), pasted: '' }
          : v,
    ),
  ) as T;
}

type CatalogEntry = { id: string; name: string; oauth?: { tokenEndpoint: string; device?: boolean } };
let catalog: Promise<CatalogEntry[]> | undefined;

/** A catalogue provider's token endpoint (`GET /providers`, read once a page load). */
export async function providerTokenEndpoint(id: string): Promise<string | undefined> {
  catalog ??= get<{ items: CatalogEntry[] }>('/providers').then(
    (r) => r.items,
    (e) => {
      catalog = undefined;
      throw e;
    },
  );
  return (await catalog).find((p) => p.id === id)?.oauth?.tokenEndpoint;
}
