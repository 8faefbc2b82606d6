import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import {
  type CtxBase,
  ensureFirstAdmin,
  mockProvider,
  newId,
  newWorkerId,
  pingDatabase,
  startDispatcher,
  startPoller,
  startRetention,
  startWorker,
} from '@mailroom/core';
import { createApp } from './app';
import type { Env } from './env';
import { openCore } from './lib/coreConfig';
import type { AppDeps } from './lib/types';
import { dispatcherOptions, workerOptions } from './worker';

export type StartOptions = {
  /** The local quick start: embedded mock mail server on and loopback destinations allowed. */
  quickstart?: boolean;
  /** Print the banner and the first admin's credentials (off in tests). */
  quiet?: boolean;
};

export type RunningMailroom = {
  url: string;
  port: number;
  base: CtxBase;
  mock: { smtpPort: number; pop3Port: number; imapPort: number; imapsPort: number; httpUrl: string } | null;
  close(): Promise<void>;
};

type BackgroundJob = { name: string; stop(): Promise<void> };

/**
 * The key pair the quick start's mock mail server checks SES requests against (SigV4), so an SES account
 * pointed at the mock signs for real and a wrong key is refused as AWS would. Demo values, printed at start.
 */
export const MOCK_SES_CREDENTIALS = {
  accessKeyId: 'AKIAMOCKMAILROOM0000',
  secretAccessKey: 'mock-ses-secret-access-key',
} as const;

/**
 * The address domain whose logins the quick start's mock mail server accepts only with the
 * tokens of its OAuth2 provider emulation (XOAUTH2 / OAUTHBEARER), as Gmail does.
 */
export const MOCK_OAUTH_DOMAIN = 'oauth.mock.test';

const here = dirname(fileURLToPath(import.meta.url));

/** Starts Mailroom: migrations, first admin, HTTP API + UI, background jobs and (quick start) the mock mail server. */
export async function startMailroom(env: Env, opts: StartOptions = {}): Promise<RunningMailroom> {
  const quickstart = opts.quickstart ?? false;
  const say = (line = '') => {
    if (!opts.quiet) console.log(line);
  };
  const core = await openCore(env, { quickstart });
  const { dataDir, keySource, database, base } = core;
  const admin = await ensureFirstAdmin(database.db, {
    email: env.MAILROOM_ADMIN_EMAIL,
    password: env.MAILROOM_ADMIN_PASSWORD,
  });

  let mock: RunningMailroom['mock'] = null;
  let closeMock: (() => Promise<void>) | null = null;
  let mockOAuthMetadata: string | null = null;
  if (env.MAILROOM_MOCK_MAILSERVER ?? quickstart) {
    const { startMockMailServer } = await import('@mailroom/mock-mailserver');
    const m = await startMockMailServer({
      smtpPort: env.MAILROOM_MOCK_SMTP_PORT,
      smtpsPort: env.MAILROOM_MOCK_SMTPS_PORT,
      pop3Port: env.MAILROOM_MOCK_POP3_PORT,
      imapPort: env.MAILROOM_MOCK_IMAP_PORT,
      imapsPort: env.MAILROOM_MOCK_IMAPS_PORT,
      httpPort: env.MAILROOM_MOCK_HTTP_PORT,
      sesCredentials: { ...MOCK_SES_CREDENTIALS },
      // OAuth2 sign-in against the mock for this domain only; every other address keeps passwords.
      oauth: { domains: [MOCK_OAUTH_DOMAIN] },
    });
    if (m.httpUrl) {
      mockOAuthMetadata = `${m.oauth.issuer}/.well-known/oauth-authorization-server`;
      // The catalogue learns the mock's OAuth2 provider from the running mock: autoconfig proposes it for
      // @oauth.mock.test and the OAuth client finds its endpoints by the provider id `mock`.
      base.config.providers = [
        mockProvider({
          issuer: m.oauth.issuer,
          domain: MOCK_OAUTH_DOMAIN,
          smtpPort: m.smtpPort,
          imapPort: m.imapPort,
          pop3Port: m.pop3Port,
        }),
      ];
    }
    mock = {
      smtpPort: m.smtpPort,
      pop3Port: m.pop3Port,
      imapPort: m.imapPort,
      imapsPort: m.imapsPort,
      httpUrl: m.httpUrl,
    };
    closeMock = () => m.close();
  }

  // Background jobs (outbox worker, retention, pollers) register here; each must stop cleanly.
  const jobs: BackgroundJob[] = [];
  // Each lease holder announces itself before it takes a lease (Postgres: heartbeat rows, see openCore).
  if (env.MAILROOM_WORKER) {
    const workerId = newWorkerId('worker');
    await core.presence.register(workerId, 'worker');
    jobs.push(startWorker({ base, workerId, ...workerOptions(env) }));
    const dispatcherId = newWorkerId('webhooks');
    await core.presence.register(dispatcherId, 'webhooks');
    jobs.push(startDispatcher({ base, workerId: dispatcherId, ...dispatcherOptions(env) }));
  }
  if (env.MAILROOM_POLLER) {
    const owner = `poller:${newId()}`;
    await core.presence.register(owner, 'poller');
    jobs.push({ name: 'poller', ...startPoller(base, { owner }) });
  }
  jobs.push(
    startRetention({
      base,
      intervalMs: env.MAILROOM_RETENTION_INTERVAL_MINUTES * 60_000,
      batchSize: env.MAILROOM_RETENTION_BATCH,
    }),
  );

  const deps: AppDeps = {
    publicUrl: env.MAILROOM_PUBLIC_URL,
    base,
    webDist: env.MAILROOM_WEB_DIST ?? join(here, '..', '..', 'web', 'dist'),
    trustProxy: env.MAILROOM_TRUST_PROXY,
    cookieSecure: env.MAILROOM_COOKIE_SECURE ?? env.MAILROOM_PUBLIC_URL?.startsWith('https://') ?? false,
    ping: () => pingDatabase(database.db),
    status: () => ({ storage: database.kind, jobs: jobs.map((j) => j.name), mockMailServer: mock }),
  };
  const app = createApp(deps);

  const server = await new Promise<ReturnType<typeof serve>>((ok, fail) => {
    const s = serve({ fetch: app.fetch, hostname: env.MAILROOM_HOST, port: env.MAILROOM_PORT }, () => ok(s));
    s.once('error', fail);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.MAILROOM_PORT;
  const shownHost =
    env.MAILROOM_HOST === '0.0.0.0' || env.MAILROOM_HOST === '127.0.0.1' ? 'localhost' : env.MAILROOM_HOST;
  const url = env.MAILROOM_PUBLIC_URL ?? `http://${shownHost}:${port}`;
  // The quick start's OAuth2 code flow comes back to the server itself (the mock accepts any redirect URI).
  if (quickstart) deps.publicUrl ??= url;

  say('');
  say(`  Mailroom is running at ${url}   (API docs: ${url}/api/docs)`);
  say(
    `  Storage: ${database.kind === 'pglite' ? `embedded PGlite in ${join(dataDir, 'pglite')}` : 'Postgres (MAILROOM_DATABASE_URL)'}`,
  );
  say(`  Secret key: ${keySource}`);
  if (mock) say(`  Mock mail server: SMTP 127.0.0.1:${mock.smtpPort}, web + API ${mock.httpUrl}`);
  if (mock) say(`  Mock POP3: 127.0.0.1:${mock.pop3Port} (log in as a recipient address)`);
  if (mock) {
    say(
      `  Mock IMAP: 127.0.0.1:${mock.imapPort} (STARTTLS), IMAPS 127.0.0.1:${mock.imapsPort} (log in as a recipient address)`,
    );
  }
  if (mock) say(`  Mock Mailgun: API base URL ${mock.httpUrl}/mailgun (any domain, any API key)`);
  if (mock) {
    const { accessKeyId, secretAccessKey } = MOCK_SES_CREDENTIALS;
    say(
      `  Mock SES: endpoint ${mock.httpUrl}/ses (any region), access key ${accessKeyId} / ${secretAccessKey}`,
    );
  }
  if (mockOAuthMetadata) {
    say(
      `  Mock OAuth2 provider: ${mockOAuthMetadata} (addresses @${MOCK_OAUTH_DOMAIN} sign in with OAuth2 only, any client id)`,
    );
  }
  if (admin) {
    say('');
    say('  First admin created:');
    say(`    email:    ${admin.email}`);
    say(`    password: ${admin.generated ? admin.password : '(from MAILROOM_ADMIN_PASSWORD)'}`);
    if (admin.generated) say('  This password is shown once. Sign in and keep it somewhere safe.');
  }
  say('');

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    base,
    mock,
    close() {
      closing ??= (async () => {
        // Requests first (an immediate send in flight still needs its SMTP pool), then the jobs.
        await new Promise<void>((ok) => server.close(() => ok()));
        for (const job of jobs.reverse()) await job.stop().catch(() => {});
        // After the worker: its last outcomes are recorded; after the requests: no send needs a pool.
        await base.outbox.close();
        await core.stop();
        await closeMock?.();
        await database.close();
      })();
      return closing;
    },
  };
}
