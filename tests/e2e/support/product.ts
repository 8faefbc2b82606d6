// Starts the real product for a browser suite: builds the web UI, then runs the API's CLI
// (`mailroom start --quickstart`) on free ports with a throw-away data directory, exactly as an
// admin would, and reads the URLs it prints.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

export type Product = {
  /** http://127.0.0.1:<port> — the API and the UI. */
  url: string;
  /** The mock mail server's HTTP API. */
  mockUrl: string;
  /** Its SMTP port on 127.0.0.1. */
  smtpPort: number;
  /** Its POP3 port on 127.0.0.1. */
  pop3Port: number;
  output(): string;
  stop(): Promise<void>;
};

/** Build apps/web so the suite always tests the current source (skip with MAILROOM_E2E_SKIP_BUILD=1). */
export function buildWeb(): void {
  if (process.env.MAILROOM_E2E_SKIP_BUILD === '1') return;
  const web = join(root, 'apps', 'web');
  const vite = join(
    dirname(createRequire(join(web, 'package.json')).resolve('vite/package.json')),
    'bin',
    'vite.js',
  );
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: web,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`web build failed:\n${r.stdout}\n${r.stderr}`);
}

/** The caller's environment with ours on top; never a shared database, always the embedded one. */
function productEnv(ours: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...ours };
  delete env.MAILROOM_DATABASE_URL;
  return env;
}

/** Start `mailroom start --quickstart` and resolve once it printed its URLs (`env`: more settings). */
export async function startProduct(env: Record<string, string> = {}): Promise<Product> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-e2e-'));
  const api = join(root, 'apps', 'api');
  const tsx = createRequire(join(api, 'package.json')).resolve('tsx/cli');
  const child: ChildProcess = spawn(
    process.execPath,
    [tsx, join(api, 'src', 'cli.ts'), 'start', '--quickstart'],
    {
      cwd: root,
      // Own process group, so stop() ends the product and nothing else.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: productEnv({
        MAILROOM_HOST: '127.0.0.1',
        MAILROOM_PORT: '0',
        MAILROOM_DATA_DIR: dataDir,
        MAILROOM_ADMIN_EMAIL: ADMIN.email,
        MAILROOM_ADMIN_PASSWORD: ADMIN.password,
        MAILROOM_MOCK_SMTP_PORT: '0',
        MAILROOM_MOCK_SMTPS_PORT: '0',
        MAILROOM_MOCK_POP3_PORT: '0',
        MAILROOM_MOCK_IMAP_PORT: '0',
        MAILROOM_MOCK_IMAPS_PORT: '0',
        MAILROOM_MOCK_HTTP_PORT: '0',
        MAILROOM_WEB_DIST: join(root, 'apps', 'web', 'dist'),
        ...env,
      }),
    },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 10_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    const port = out.match(/running at http:\/\/[^:\s]+:(\d+)/)?.[1];
    const mock = out.match(/Mock mail server: SMTP 127\.0\.0\.1:(\d+), web \+ API (http:\/\/\S+)/);
    const pop3 = out.match(/Mock POP3: 127\.0\.0\.1:(\d+)/);
    if (port && mock && pop3) {
      return {
        url: `http://127.0.0.1:${port}`,
        mockUrl: mock[2]!,
        smtpPort: Number(mock[1]),
        pop3Port: Number(pop3[1]),
        output: () => out,
        stop,
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`mailroom did not start:\n${out}`);
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 200))]);
  }
}

/**
 * A 1440×900 page of a fresh Chromium tab, signed in as the quick start's admin, on the accounts list.
 * `watch` runs on the page before it opens anything (a suite's page-error listener, a longer timeout), so
 * it sees the sign-in too.
 */
export function adminPage(browser: Browser, url: string, watch?: (page: Page) => void): Promise<Page> {
  return signedInPage(browser, url, ADMIN, watch);
}

/** The same for anyone with a password (a team admin, a viewer). */
export async function signedInPage(
  browser: Browser,
  url: string,
  who: { email: string; password: string },
  watch?: (page: Page) => void,
): Promise<Page> {
  // browser.newPage() opens a context of its own: every person keeps their own cookies.
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(20_000);
  watch?.(page);
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/accounts$/);
  return page;
}

/**
 * The body of `POST /accounts` for a desk on the mock: it sends over SMTP and fetches its own mailbox
 * over POP3, only when asked (the poller must not beat a test to its mail).
 */
export function deskAccount(
  product: Product,
  desk: { name: string; mailbox: string; fromName?: string; teamId?: string; debug?: boolean },
): Record<string, unknown> {
  return {
    name: desk.name,
    ...(desk.teamId ? { teamId: desk.teamId } : {}),
    outgoing: {
      transport: 'smtp',
      host: '127.0.0.1',
      port: product.smtpPort,
      security: 'none',
      from: { address: desk.mailbox, ...(desk.fromName ? { name: desk.fromName } : {}) },
      sendMode: 'immediate',
    },
    incoming: {
      protocol: 'pop3',
      host: '127.0.0.1',
      port: product.pop3Port,
      security: 'none',
      auth: { method: 'password', username: desk.mailbox, password: 'any-password' },
      pollIntervalSec: 86400,
      ...(desk.debug ? { debug: true } : {}),
    },
  };
}
