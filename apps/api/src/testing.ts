import { ensureFirstAdmin } from '@mailroom/core';
import { type Backend, createTestEnv, type TestEnv } from '@mailroom/core/testing';
import { createApp } from './app';
import type { AppDeps } from './lib/types';

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };

export type TestApp = {
  app: ReturnType<typeof createApp>;
  env: TestEnv;
  /** Calls the API as the signed-in admin (cookie + CSRF), or with a bearer token. */
  call(
    method: string,
    path: string,
    body?: unknown,
    opts?: { token?: string; noCsrf?: boolean },
  ): Promise<Response>;
  close(): Promise<void>;
};

/** The real app on a fresh database with a first admin signed in (cookie session). */
export async function createTestApp(
  backend: Backend = 'pglite',
  extra: Partial<AppDeps> = {},
): Promise<TestApp> {
  const env = await createTestEnv(backend);
  await ensureFirstAdmin(env.database.db, ADMIN);
  // Slowed sign-ins do not wait in these tests: the limiter's own tests check the delays it asks for.
  const app = createApp({ base: env.base, ping: async () => true, loginSleep: async () => {}, ...extra });
  const login = await app.request('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (login.status !== 200) throw new Error(`test login failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return {
    app,
    env,
    call(method, path, body, opts = {}) {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      else {
        headers.cookie = cookie;
        if (!opts.noCsrf) headers['x-csrf-token'] = csrfToken;
      }
      return Promise.resolve(
        app.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }),
      );
    },
    close: () => env.close(),
  };
}

/** Reads a JSON body loosely typed, for assertions in tests. */
// biome-ignore lint/suspicious/noExplicitAny: test helper; assertions check the shape
export async function json(res: Response | Promise<Response>): Promise<any> {
  return (await res).json();
}
