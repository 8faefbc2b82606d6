import type { OAuthEndpoints } from './schemas';

/**
 * THE SEAM to the provider catalogue (packages/core/src/providers/, another area): a provider id → its
 * OAuth2 endpoints and scopes. Until the catalogue exists, providers are registered at start-up: the quick
 * start registers `mock` (the bundled mock mail server's OAuth2 provider, from its RFC 8414 metadata).
 * The catalogue replaces `lookupOAuthProvider`'s body; callers stay as they are.
 */
const registered = new Map<string, OAuthEndpoints>();

export function registerOAuthProvider(id: string, endpoints: OAuthEndpoints): void {
  registered.set(id, endpoints);
}

export function lookupOAuthProvider(id: string): OAuthEndpoints | null {
  return registered.get(id) ?? null;
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
