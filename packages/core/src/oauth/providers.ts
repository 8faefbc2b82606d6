import type { CoreConfig } from '../context';
import { catalogFor } from '../providers/forConfig';
import type { OAuthEndpoints } from './schemas';

/**
 * THE SEAM to the provider catalogue (packages/core/src/providers/): a provider id → its OAuth2 endpoints
 * and scopes (SMTP, IMAP/POP3 and identity scopes together, so one grant serves both directions). The
 * catalogue includes the process's overlay (`CoreConfig.providers`: the quick start's `mock`). Providers
 * registered here (tests, embedders) are looked at first.
 */
const registered = new Map<string, OAuthEndpoints & { params?: Record<string, string> }>();

export function registerOAuthProvider(id: string, endpoints: OAuthEndpoints): void {
  registered.set(id, endpoints);
}

export function lookupOAuthProvider(
  config: CoreConfig,
  id: string,
): (OAuthEndpoints & { params?: Record<string, string> }) | null {
  const own = registered.get(id);
  if (own) return own;
  const oauth = catalogFor(config).findProvider(id)?.oauth;
  if (!oauth) return null;
  const s = oauth.scopes;
  return {
    authorizationEndpoint: oauth.authorizationEndpoint,
    tokenEndpoint: oauth.tokenEndpoint,
    deviceAuthorizationEndpoint: oauth.device ? oauth.deviceEndpoint : undefined,
    userinfoEndpoint: oauth.userinfoEndpoint,
    scopes: [...new Set([...s.smtp, ...s.imap, ...s.pop3, ...s.identity])],
    params: oauth.authorizationParams,
  };
}

/** The endpoints RFC 8414 metadata names (`/.well-known/oauth-authorization-server`). */
export function endpointsFromMetadata(meta: Record<string, unknown>, scopes: string[]): OAuthEndpoints {
  const s = (k: string) => (typeof meta[k] === 'string' ? (meta[k] as string) : undefined);
  const token = s('token_endpoint');
  if (!token) throw new Error('the metadata names no token_endpoint');
  return {
    authorizationEndpoint: s('authorization_endpoint'),
    tokenEndpoint: token,
    deviceAuthorizationEndpoint: s('device_authorization_endpoint'),
    userinfoEndpoint: s('userinfo_endpoint'),
    scopes,
  };
}
