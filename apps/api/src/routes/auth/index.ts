import { createRoute } from '@hono/zod-openapi';
import {
  ADDRESS_LOCK_MS,
  ADDRESS_MAX_FAILURES,
  DELAY_BASE_MS,
  DELAY_MAX_MS,
  FREE_FAILURES,
  LOGIN_WINDOW_MS,
  login,
  loginSchema,
  logout,
  meSchema,
  problemSchema,
  SESSION_TTL_MS,
} from '@mailroom/core';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { body, json, newRouter, problems, security } from '../../lib/openapi';
import { SESSION_COOKIE } from '../../middleware/auth';

export const authRoutes = newRouter();

const minutes = (ms: number) => ms / 60_000;
const throttleDescription = `Throttled by client address and by account, with counters shared by every API process. After ${FREE_FAILURES} failures in ${minutes(LOGIN_WINDOW_MS)} minutes the answer waits ${DELAY_BASE_MS / 1000} s, doubling up to ${DELAY_MAX_MS / 1000} s. An address with ${ADDRESS_MAX_FAILURES} failures in ${minutes(LOGIN_WINDOW_MS)} minutes is refused for ${minutes(ADDRESS_LOCK_MS)} minutes (429 rate_limited, with a Retry-After header and retryAfterSec); an account is never refused, only slowed.`;

authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/auth/login',
    tags: ['Auth'],
    summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token',
    description: throttleDescription,
    request: { body: body(loginSchema) },
    responses: {
      200: json(meSchema),
      400: problems[400],
      401: problems[401],
      429: {
        description: 'Too many failed sign-ins from this address',
        headers: {
          'Retry-After': {
            description: 'Seconds until sign-ins from this address are taken again',
            schema: { type: 'integer' },
          },
        },
        content: { 'application/problem+json': { schema: problemSchema } },
      },
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
