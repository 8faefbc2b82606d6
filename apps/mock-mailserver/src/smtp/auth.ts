import { timingSafeEqual } from 'node:crypto';
import type { SMTPServerAuthentication } from 'smtp-server';

/** SASL mechanisms the mock offers. */
export const AUTH_METHODS = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'];

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Whether the credentials pass: any do without a user list; with one, the password (or the
 * XOAUTH2 access token) must be the listed one for that username.
 */
export function checkCredentials(
  auth: SMTPServerAuthentication,
  users: Record<string, string> | null,
): boolean {
  if (!users) return true;
  const username = auth.username ?? '';
  if (!Object.hasOwn(users, username)) return false;
  const expected = users[username]!;
  switch (auth.method) {
    case 'CRAM-MD5':
      return auth.validatePassword(expected);
    case 'XOAUTH2':
      return same(auth.accessToken ?? '', expected);
    default:
      return same(auth.password ?? '', expected);
  }
}
