import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningMailroom, readEnv, startMailroom } from '@mailroom/api';

/** The attacked product: a real Mailroom over HTTP, private hosts refused unless a test says otherwise. */
export type Target = {
  url: string;
  /** A full admin's API token. */
  admin: Client;
  /** A new API token with this role (and teams), created by the admin. */
  client(role: 'admin' | 'team_admin' | 'viewer', teamIds?: string[]): Promise<Client>;
  /** A new team's id. */
  team(name?: string): Promise<string>;
  running: RunningMailroom;
  close(): Promise<void>;
};

// biome-ignore lint/suspicious/noExplicitAny: test helper; assertions check the shape
export type Reply = { status: number; headers: Headers; text: string; body: any };

export type Client = {
  token: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
};

export const ADMIN = { email: 'admin@security.test', password: 'correct horse battery staple' };

/**
 * Starts Mailroom on a fresh embedded database in a temporary directory, on a free port, with no mock
 * mail server and no background poller; `MAILROOM_ALLOW_PRIVATE_HOSTS=false` unless `env` says otherwise.
 */
export async function startTarget(env: Record<string, string> = {}): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-security-'));
  const running = await startMailroom(
    readEnv({
      MAILROOM_PORT: '0',
      MAILROOM_DATA_DIR: dir,
      MAILROOM_ADMIN_EMAIL: ADMIN.email,
      MAILROOM_ADMIN_PASSWORD: ADMIN.password,
      MAILROOM_ALLOW_PRIVATE_HOSTS: 'false',
      MAILROOM_MOCK_MAILSERVER: 'false',
      MAILROOM_POLLER: 'false',
      MAILROOM_DELIVERY_THREAD: 'false',
      MAILROOM_CONNECT_TIMEOUT_MS: '2000',
      MAILROOM_COMMAND_TIMEOUT_MS: '4000',
      ...env,
    }),
    { quiet: true },
  );
  const url = `http://127.0.0.1:${running.port}`;
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const session = clientWith(url, { cookie, 'x-csrf-token': csrfToken }, '');
  const created = await session.call('POST', '/api/v1/tokens', { name: 'security admin', role: 'admin' });
  if (created.status !== 201 && created.status !== 200) throw new Error(`token: ${created.text}`);
  const admin = tokenClient(url, created.body.token);
  let n = 0;
  return {
    url,
    admin,
    running,
    async client(role, teamIds = []) {
      const r = await admin.call('POST', '/api/v1/tokens', { name: `${role} ${++n}`, role, teamIds });
      if (r.status >= 300) throw new Error(`token: ${r.status} ${r.text}`);
      return tokenClient(url, r.body.token);
    },
    async team(name = `team ${++n}`) {
      const r = await admin.call('POST', '/api/v1/teams', { name });
      if (r.status >= 300) throw new Error(`team: ${r.status} ${r.text}`);
      return r.body.id as string;
    },
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A client calling the API with a bearer token. */
export function tokenClient(url: string, token: string): Client {
  return clientWith(url, { authorization: `Bearer ${token}` }, token);
}

function clientWith(url: string, auth: Record<string, string>, token: string): Client {
  return {
    token,
    async call(method, path, body, headers = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...auth,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      return { status: res.status, headers: res.headers, text, body: parsed };
    },
  };
}

/**
 * The outgoing part of an account that queues its mail for an SMTP server nobody reaches (no worker runs
 * in these suites, or the send is refused first): what a suite needs to have messages at all.
 */
export const queuedSmtp = (from: string) => ({
  transport: 'smtp',
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  auth: { method: 'none' },
  from: { address: from },
  sendMode: 'queued',
});
