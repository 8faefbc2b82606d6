// Runs the real `mailroom` CLI (apps/api/bin/mailroom.mjs) as child processes on free ports, each in its
// own process group so a test can SIGKILL one (and only it) mid-drain, and reads what it prints.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeySpec } from '@mailroom/core';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'apps', 'api', 'bin', 'mailroom.mjs');

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

export type MailroomProcess = {
  proc: ChildProcess;
  output(): string;
  /** Resolves with the first match of `re` in what the process printed; rejects on exit or timeout. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGKILL: no goodbye, leases left behind. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
};

/** The environment every process of one deployment shares: data dir, key, database, mock on loopback. */
export function deployment(opts: { url?: string; extra?: Record<string, string> } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-recovery-'));
  const env: Record<string, string> = {
    MAILROOM_HOST: '127.0.0.1',
    MAILROOM_PORT: '0',
    MAILROOM_DATA_DIR: dataDir,
    MAILROOM_SECRET_KEY: generateKeySpec('k1'),
    MAILROOM_ADMIN_EMAIL: ADMIN.email,
    MAILROOM_ADMIN_PASSWORD: ADMIN.password,
    MAILROOM_ALLOW_PRIVATE_HOSTS: 'true',
    MAILROOM_MOCK_MAILSERVER: 'false',
    MAILROOM_POLLER: 'false',
    MAILROOM_WEB_DIST: join(dataDir, 'no-web'),
    ...(opts.url ? { MAILROOM_DATABASE_URL: opts.url } : {}),
    ...opts.extra,
  };
  return { dataDir, env, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** Runs `mailroom <args>` with `env` on top of this process's environment (never its database URL). */
export function spawnMailroom(args: string[], env: Record<string, string>): MailroomProcess {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.MAILROOM_DATABASE_URL;
  delete base.MAILROOM_SECRET_KEY;
  const proc = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...base, ...env },
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of [...listeners]) l();
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<void>((ok) => proc.once('exit', () => ok()));
  const signal = (sig: NodeJS.Signals) => {
    if (proc.exitCode !== null || proc.signalCode !== null || !proc.pid) return;
    try {
      process.kill(-proc.pid, sig);
    } catch {
      /* already gone */
    }
  };
  return {
    proc,
    output: () => out,
    waitFor(re, timeoutMs = 120_000) {
      return new Promise((ok, fail) => {
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const check = () => {
          const m = out.match(re);
          if (m) {
            done();
            ok(m);
          }
        };
        const timer = setTimeout(() => {
          done();
          fail(new Error(`no ${re} within ${timeoutMs} ms; output:\n${out.slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          check();
          if (listeners.has(check)) {
            done();
            fail(new Error(`mailroom exited before ${re}; output:\n${out.slice(-3000)}`));
          }
        });
        check();
      });
    },
    async kill() {
      signal('SIGKILL');
      await exited;
    },
    async stop() {
      signal('SIGTERM');
      const t = setTimeout(() => signal('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** `mailroom start [flags]`; resolves once it serves, with its URL. */
export async function startApi(
  env: Record<string, string>,
  flags: string[] = [],
): Promise<MailroomProcess & { url: string }> {
  const p = spawnMailroom(['start', ...flags], env);
  try {
    const m = await p.waitFor(/running at http:\/\/[^:\s]+:(\d+)/);
    return Object.assign(p, { url: `http://127.0.0.1:${m[1]}` });
  } catch (err) {
    await p.kill();
    throw err;
  }
}

export type Api = (
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the API's JSON loosely and assert on it
) => Promise<{ status: number; body: any }>;

/** A signed-in admin session on one API process. */
export async function signIn(url: string): Promise<Api> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return bearerOr(url, { cookie, 'x-csrf-token': csrfToken });
}

/** An API client with a bearer token. */
export function withToken(url: string, token: string): Api {
  return bearerOr(url, { authorization: `Bearer ${token}` });
}

function bearerOr(url: string, headers: Record<string, string>): Api {
  return async (method, path, body) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { ...headers, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** Waits until `check` holds, looking every 250 ms (a bounded poll of state), failing after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Delivered copies per Message-ID, as a mock server received them. */
export function copiesById(messages: Array<{ messageId?: string | null }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.messageId ?? '?', (counts.get(m.messageId ?? '?') ?? 0) + 1);
  return counts;
}

/** An account's outgoing part that sends to a mock mail server on loopback (queued sends). */
export function mockOutgoing(smtpPort: number) {
  return {
    transport: 'smtp',
    host: '127.0.0.1',
    port: smtpPort,
    security: 'none',
    from: { address: 'sender@example.com' },
    sendMode: 'queued',
  } as const;
}
