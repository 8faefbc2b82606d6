import { createRoute } from '@hono/zod-openapi';
import {
  ADDRESS_LOCK_MS,
  ADDRESS_MAX_FAILURES,
  changePassword,
  DELAY_BASE_MS,
  DELAY_MAX_MS,
  FREE_FAILURES,
  LOGIN_WINDOW_MS,
  login,
  loginSchema,
  logout,
  meSchema,
  passwordChangeSchema,
  problemSchema,
  profileUpdateSchema,
  SESSION_TTL_MS,
  sha256,
  updateProfile,
} from '@mailroom/core';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { body, json, newRouter, problems, security } from '../../lib/openapi';
import { SESSION_COOKIE } from '../../middleware/auth';
import { loginLimiter } from '../../middleware/loginLimiter';

export const authRoutes = newRouter();

const minutes = (ms: number) => ms / 60_000;
const rateLimited = {
  description: 'Too many failed sign-ins from this address',
  headers: {
    'Retry-After': {
      description: 'Seconds until sign-ins from this address are taken again',
      schema: { type: 'integer' as const },
    },
  },
  content: { 'application/problem+json': { schema: problemSchema } },
};

const throttleDescription = `Throttled by client address and by account, with counters shared by every API process. After ${FREE_FAILURES} failures in ${minutes(LOGIN_WINDOW_MS)} minutes the answer waits ${DELAY_BASE_MS / 1000} s, doubling up to ${DELAY_MAX_MS / 1000} s. An address with ${ADDRESS_MAX_FAILURES} failures in ${minutes(LOGIN_WINDOW_MS)} minutes is refused for ${minutes(ADDRESS_LOCK_MS)} minutes (429 rate_limited, with a Retry-After header and retryAfterSec); an account is never refused, only slowed.`;

authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/auth/login',
    tags: ['Auth'],
    summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token',
    description: `${throttleDescription} A disabled user is refused with 403 (only once the password is right). After an admin's password reset the answer has \`user.mustChangePassword: true\`: that session can only read /auth/me, sign out, and change the password (\`POST /auth/password\`); anything else is a 403 with \`passwordChangeRequired: true\`.`,
    request: { body: body(loginSchema) },
    responses: {
      200: json(meSchema),
      400: problems[400],
      401: problems[401],
      403: problems[403],
      429: rateLimited,
    },
  }),
  async (c) => {
    const deps = c.get('deps');
    const { sessionToken, csrfToken, user } = await login(deps.base.db, c.req.valid('json'));
    setCookie(c, SESSION_COOKIE, sessionToken, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: deps.cookieSecure ?? false,
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return c.json({ user, via: 'session' as const, csrfToken }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/auth/logout',
    tags: ['Auth'],
    summary: 'Sign out (ends the session)',
    security,
    responses: { 200: json(z.object({ ok: z.boolean() })), 401: problems[401] },
  }),
  async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) await logout(c.get('deps').base.db, cookie);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ ok: true }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/auth/me',
    tags: ['Auth'],
    summary: 'Who is signed in (with the CSRF token for cookie sessions)',
    security,
    responses: { 200: json(meSchema), 401: problems[401] },
  }),
  (c) => {
    const csrfToken = c.get('csrfToken');
    return c.json({ user: c.get('user'), via: c.get('authVia'), ...(csrfToken ? { csrfToken } : {}) }, 200);
  },
);

// Guessing the current password here is guessing a password: the sign-in limiter counts a wrong one
// (401) against the client address, with the same delays and lock as the sign-in form.
authRoutes.use('/auth/password', async function limitPasswordChanges(c, next) {
  const deps = c.get('deps');
  return loginLimiter({
    trustProxy: deps.trustProxy ?? false,
    ...(deps.loginSleep ? { sleep: deps.loginSleep } : {}),
  })(c, next);
});

authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/auth/password',
    tags: ['Auth'],
    summary: 'Change your own password (signed-in sessions only), giving the current one',
    description: `Clears a pending \`mustChangePassword\` and ends your other sessions (this one stays). A wrong \`currentPassword\` is a 401 naming the field and counts as a failed sign-in. ${throttleDescription}`,
    security,
    request: { body: body(passwordChangeSchema) },
    responses: {
      200: json(meSchema),
      400: problems[400],
      401: problems[401],
      403: problems[403],
      429: rateLimited,
    },
  }),
  async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    const user = await changePassword({
      ctx: c.get('ctx'),
      input: c.req.valid('json'),
      keepSessionHash: cookie ? sha256(cookie) : undefined,
    });
    const csrfToken = c.get('csrfToken');
    return c.json({ user, via: 'session' as const, ...(csrfToken ? { csrfToken } : {}) }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/auth/profile',
    tags: ['Auth'],
    summary: 'Change your own display name and sending address (signed-in sessions only)',
    description:
      "Mail you send without a `from` (yourself, or through an API token standing for you) carries them: your sending address (named by your display name, else your name), or the account's own address with your display name when you give no address. The account's Send-as rule still applies (refused, or rewritten to its own address with yours as Reply-To). Empty text or null clears a field. Audited.",
    security,
    request: { body: body(profileUpdateSchema) },
    responses: { 200: json(meSchema), 400: problems[400], 401: problems[401], 403: problems[403] },
  }),
  async (c) => {
    const user = await updateProfile({ ctx: c.get('ctx'), input: c.req.valid('json') });
    const csrfToken = c.get('csrfToken');
    return c.json({ user, via: c.get('authVia'), ...(csrfToken ? { csrfToken } : {}) }, 200);
  },
);
