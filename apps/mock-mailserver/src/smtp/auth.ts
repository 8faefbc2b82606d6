import type { SMTPServerAuthentication } from 'smtp-server';
import { passwordMatches } from '../credentials.js';

/** SASL mechanisms the mock offers: the password ones, then the bearer ones the OAuth options keep. */
export const authMethods = (bearer: readonly string[]) => ['PLAIN', 'LOGIN', 'CRAM-MD5', ...bearer];

/**
 * Whether the credentials pass: any do without a user list; with one, the password (or the
 * XOAUTH2 access token) must be the listed one for that username.
 */
export function checkCredentials(
  auth: SMTPServerAuthentication,
  users: Record<string, string> | null,
): boolean {
  const username = auth.username ?? '';
  switch (auth.method) {
    case 'CRAM-MD5':
      // The client sends a digest, not the password: only the server side can compute it.
      return !users || (Object.hasOwn(users, username) && auth.validatePassword(users[username]!));
    case 'XOAUTH2':
      return passwordMatches(users, username, auth.accessToken ?? '');
    default:
      return passwordMatches(users, username, auth.password ?? '');
  }
}
