import type { AuthParsed } from '../schemas/parts';
import type { SecretSet } from './redact';

/**
 * Adds what a sign-in sends over the wire: the password with its SASL PLAIN strings, the OAuth2 client
 * secret (also as `client_id:client_secret`, the token endpoint's Basic form) and the refresh token.
 */
export function addAuthSecrets(set: SecretSet, auth: AuthParsed): void {
  if (auth.method === 'none') return;
  if (auth.method === 'password') {
    if (auth.password) set.addLogin(auth.username, auth.password);
    return;
  }
  if (auth.clientSecret) set.addBasic(auth.clientId, auth.clientSecret);
  set.add(auth.refreshToken);
}
