import { OpenAPIHono } from '@hono/zod-openapi';
import {
  ADDRESS_LOCK_MS,
  type CtxBase,
  type Database,
  DELAY_MAX_MS,
  ensureFirstAdmin,
  openDatabase,
  problemSchema,
} from '@mailroom/core';
import { createTestEnv, type TestEnv, testPgUrl } from '@mailroom/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { onError } from '../lib/problem';
import { authRoutes } from '../routes/auth';
import { ADMIN } from '../testing';
import { loginLimiter } from './loginLimiter';

/** The sign-in path as createApp wires it, with a sleeper that records the delays instead of waiting. */
function signInApp(base: CtxBase, opts: { trustProxy?: boolean } = {}) {
  const slept: number[] = [];
  const app = new OpenAPIHono();
  app.onError(onError);
  app.use('*', async (c, next) => {
    c.set('deps', { base, ping: async () => true });
    await next();
  });
  app.use(
    '/api/v1/auth/login',
    loginLimiter({
      trustProxy: opts.trustProxy ?? true,
      sleep: async (ms) => {
        slept.push(ms);
      },
    }),
  );
  app.route('/api/v1', authRoutes);
  const signIn = (password: string, forwardedFor?: string, email = ADMIN.email) =>
    app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
      body: JSON.stringify({ email, password }),
    });
  /** The delays asked for since the last call. */
  const delays = () => slept.splice(0);
  return { signIn, delays };
}

describe('loginLimiter', () => {
  let env: TestEnv;
  // One database for the file (hashing and migrating are the slow part); each test takes fresh addresses.
  let n = 0;
  let A: string;
  let B: string;
  let C: string;
  beforeAll(async () => {
    env = await createTestEnv('pglite');
    await ensureFirstAdmin(env.database.db, ADMIN);
  });
  afterAll(async () => {
    await env?.close();
  });
  beforeEach(() => {
    n += 1;
    [A, B, C] = [`203.0.113.${n}`, `198.51.100.${n}`, `192.0.2.${n}`];
  });

  it('refuses the guessing address and slows, but signs in, the admin from another address', async () => {
    const { signIn, delays } = signInApp(env.base);
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn('not the password', A)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expect(delays()).toEqual([1000, 2000, 3000, 3000, 3000, 3000, 3000]);

    // From addresses that never failed: a wrong password for the attacked account is a 401 after the
    // account's delay, never a 429, and the right one signs in after the same delay.
    expect((await signIn('a typo', C)).status).toBe(401);
    expect(delays()).toEqual([DELAY_MAX_MS]);
    const admin = await signIn(ADMIN.password, B);
    expect(admin.status).toBe(200);
    expect(delays()).toEqual([DELAY_MAX_MS]);

    const refused = await signIn(ADMIN.password, A);
    expect(refused.status).toBe(429);
    expect(delays()).toEqual([]);
    expect(refused.headers.get('retry-after')).toBe(String(ADDRESS_LOCK_MS / 1000));
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const body = problemSchema.extend({ retryAfterSec: z.number() }).parse(await refused.json());
    expect(body).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSec: ADDRESS_LOCK_MS / 1000 });
    expect(body.detail).toBe('Too many failed sign-in attempts from your network; try again in 15 minutes');
  });

  it('answers a person’s first typos at once and forgets the account’s failures once they sign in', async () => {
    const { signIn, delays } = signInApp(env.base);
    expect((await signIn(ADMIN.password, C)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await signIn('typo', B)).status).toBe(401);
    expect((await signIn(ADMIN.password, B)).status).toBe(200);
    expect(delays()).toEqual([1000]);
    expect((await signIn('typo again', C)).status).toBe(401);
    expect(delays()).toEqual([]);
  });

  it('gives back attempts that checked no password (a malformed body)', async () => {
    const { signIn } = signInApp(env.base);
    for (let i = 0; i < 20; i++) expect((await signIn('', A)).status).toBe(400);
    expect((await signIn(ADMIN.password, A)).status).toBe(200);
  });

  it('takes the last X-Forwarded-For entry, the one a proxy appended', async () => {
    const { signIn } = signInApp(env.base);
    for (let i = 0; i < 10; i++) await signIn('guess', `10.0.0.${i}, ${A}`, `victim${i}@example.com`);
    expect((await signIn('guess', `192.0.2.1, ${A}`, 'other@example.com')).status).toBe(429);
    expect((await signIn('guess', `${A}, 192.0.2.1`, 'other@example.com')).status).toBe(401);
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    const { signIn } = signInApp(env.base, { trustProxy: false });
    // app.request() has no socket: every request comes from the same 'local' address.
    for (let i = 0; i < 10; i++) await signIn('guess', `10.9.9.${i}`, `victim${i}@example.com`);
    expect((await signIn('guess', '10.9.9.200', 'other@example.com')).status).toBe(429);
  });
});

describe('loginLimiter on Postgres: two API processes share the counters', () => {
  const [A, B, C] = ['203.0.113.7', '198.51.100.20', '192.0.2.30'];
  let env: TestEnv;
  let second: Database;
  beforeAll(async () => {
    env = await createTestEnv('postgres');
    await ensureFirstAdmin(env.database.db, ADMIN);
    // A second pool on the same database, as another API process would open it.
    const rows = await env.database.db.execute('select current_database() as name');
    const [{ name }] = z.tuple([z.object({ name: z.string() })]).parse(rows);
    const url = new URL(testPgUrl);
    url.pathname = `/${name}`;
    second = await openDatabase({ url: url.toString(), poolSize: 2 });
  });
  afterAll(async () => {
    await second?.close();
    await env?.close();
  });

  it('sees through one process the failures counted through the other', async () => {
    const one = signInApp(env.base);
    const two = signInApp({ ...env.base, db: second.db });
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await (i % 2 ? two : one).signIn('guess', A)).status);
    expect(statuses).toEqual(Array(10).fill(401));
    // The delays continue one sequence across both processes.
    const both = [...one.delays(), ...two.delays()].sort((x, y) => x - y);
    expect(both).toEqual([1000, 2000, 3000, 3000, 3000, 3000, 3000]);
    expect((await two.signIn(ADMIN.password, A)).status).toBe(429);
    expect((await one.signIn(ADMIN.password, A)).status).toBe(429);
    // The account's failures, counted through both, slow the admin's sign-in through either.
    expect((await two.signIn(ADMIN.password, B)).status).toBe(200);
    expect(two.delays()).toEqual([DELAY_MAX_MS]);
  });

  it('counts guesses sent to both processes at once exactly', async () => {
    const one = signInApp(env.base);
    const two = signInApp({ ...env.base, db: second.db });
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? two : one).signIn('guess', C, `victim${i}@example.com`)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });
});
