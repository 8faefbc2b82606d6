import { createContext, MailroomError, resolveSession, resolveToken, safeEqual } from '@mailroom/core';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';

export const SESSION_COOKIE = 'mailroom_session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type AuthOptions = {
  /** Paths (exact) that need no authentication. */
  publicPaths?: string[];
  /**
   * What a session that must change its password may still do (`METHOD path`, exact): learn who it is,
   * change the password, sign out. Everything else is refused until the password is changed.
   */
  passwordChangePaths?: string[];
};

const PASSWORD_CHANGE_PATHS = [
  'GET /api/v1/auth/me',
  'POST /api/v1/auth/password',
  'POST /api/v1/auth/logout',
];

/**
 * Resolves `Authorization: Bearer <token>` or the session cookie to an actor and a core context.
 * Cookie sessions must send `X-CSRF-Token` on every unsafe method (double submit of the session's token).
 * Both are looked up on every request (tokens through a cache that disabling a user clears), so a
 * disabled user's next request is a 401. A session whose password an admin reset may only change it.
 */
export function auth(options: AuthOptions = {}): MiddlewareHandler {
  const publicPaths = new Set(options.publicPaths ?? []);
  const passwordChangePaths = new Set(options.passwordChangePaths ?? PASSWORD_CHANGE_PATHS);
  return async function authMiddleware(c, next) {
    if (publicPaths.has(c.req.path)) return next();
    const deps = c.get('deps');
    const header = c.req.header('authorization');
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const resolved = match ? await resolveToken(deps.base.db, match[1]!) : null;
      if (!resolved) throw new MailroomError('unauthenticated', 'The bearer token is invalid or revoked');
      c.set('actor', resolved.actor);
      c.set('user', resolved.user);
      c.set('authVia', 'token');
      c.set('csrfToken', undefined);
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      const session = cookie ? await resolveSession(deps.base.db, cookie) : null;
      if (!session) throw new MailroomError('unauthenticated', 'Sign in or send a bearer token');
      if (
        !SAFE_METHODS.has(c.req.method) &&
        !safeEqual(c.req.header('x-csrf-token') ?? '', session.csrfToken)
      ) {
        throw new MailroomError('csrf_failed', 'Missing or wrong X-CSRF-Token header for a cookie session');
      }
      if (session.user.mustChangePassword && !passwordChangePaths.has(`${c.req.method} ${c.req.path}`)) {
        throw new MailroomError('forbidden', 'Choose a new password first: an administrator reset yours', {
          hint: 'POST /api/v1/auth/password with currentPassword (the temporary one) and newPassword.',
          extra: { passwordChangeRequired: true },
        });
      }
      c.set('actor', session.actor);
      c.set('user', session.user);
      c.set('authVia', 'session');
      c.set('csrfToken', session.csrfToken);
    }
    c.set('ctx', createContext(deps.base, c.get('actor')));
    await next();
  };
}
