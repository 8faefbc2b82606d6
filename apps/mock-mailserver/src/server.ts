import type { ServerResponse } from 'node:http';
import { createSecureContext } from 'node:tls';
import { extractCodes } from './codes/extract.js';
import { EventLog } from './events.js';
import { FaultEngine } from './faults/engine.js';
import { ReportMailer } from './faults/reports.js';
import { startHttp } from './http/server.js';
import { Folders } from './imap/folders.js';
import { MimeCache } from './imap/message.js';
import { startImap } from './imap/server.js';
import { OAuthProvider } from './oauth/provider.js';
import { startPop3 } from './pop3/server.js';
import { startSmtp } from './smtp/index.js';
import { MessageDirectory } from './store/persist.js';
import { MessageStore } from './store/store.js';
import { generateSelfSignedCertificate } from './tls/certificate.js';
import type {
  CodesResult,
  FaultRule,
  FaultRuleState,
  FiredFault,
  MessageFilter,
  MessageSummary,
  MockMailServerOptions,
  StoredMessage,
  WaitForOptions,
} from './types.js';

export const DEFAULTS = {
  host: '127.0.0.1',
  maxMessages: 1000,
  maxAgeMs: 24 * 3600_000,
  maxBytes: 128 * 1024 * 1024,
  maxMessageSize: 25 * 1024 * 1024,
  hostname: 'mock-mailserver',
  waitTimeoutMs: 10_000,
} as const;

/** A running mock mail server. */
export interface MockMailServer {
  readonly host: string;
  /** Actual ports; 0 for a listener that was disabled with `false`. */
  readonly smtpPort: number;
  readonly smtpsPort: number;
  readonly pop3Port: number;
  readonly imapPort: number;
  readonly imapsPort: number;
  readonly httpPort: number;
  /** `http://host:port`, or '' when HTTP is disabled. */
  readonly httpUrl: string;
  /** The PEM certificate the TLS listeners present (to pin it in a client, if wanted). */
  readonly certificate: string;
  /** Resolves with the first matching message after `after` (any stored one without it); rejects on timeout. */
  waitFor(options: WaitForOptions): Promise<StoredMessage>;
  /** Waits like waitFor and resolves with the message's first confirmation code; rejects when it has none. */
  waitForCode(options: WaitForOptions & { pattern?: string | RegExp }): Promise<string>;
  /** Codes and links of a stored message (default pattern: 4–8 digits); throws for an unknown id. */
  codes(id: string, pattern?: string | RegExp): CodesResult;
  /** Stored messages matching the filter, newest first. */
  messages(filter?: MessageFilter): StoredMessage[];
  /** One stored message by id. */
  message(id: string): StoredMessage | undefined;
  /** The raw source of a stored message. */
  raw(id: string): Promise<Buffer | undefined>;
  /** The cursor of the newest message: `waitFor({ after: mock.cursor() })` waits for the next one. */
  cursor(): string;
  /** Deletes matching messages (all without a filter); returns how many. */
  deleteMessages(filter?: MessageFilter): number;
  /** The OAuth2 provider emulation: grants, revoke and expire (also over HTTP, `/api/oauth`). */
  oauth: OAuthProvider;
  faults: {
    /** Replaces the rules; throws FaultRuleError naming each invalid field. */
    set(rules: FaultRule[]): FaultRuleState[];
    clear(): void;
    list(): FaultRuleState[];
    fired(): FiredFault[];
  };
  /** Deletes every message, clears fault rules and their log, forgets every OAuth grant. */
  reset(): Promise<void>;
  /** Stops every listener and ends open connections. */
  close(): Promise<void>;
}

const portOption = (value: number | false | undefined): number | false => (value === undefined ? 0 : value);

/** Starts the mock mail server; every port left out picks a free one, `false` disables that listener. */
export async function startMockMailServer(options: MockMailServerOptions = {}): Promise<MockMailServer> {
  const host = options.host ?? DEFAULTS.host;
  const log = options.log ?? (() => {});
  const users = options.users && Object.keys(options.users).length ? { ...options.users } : null;
  const maxMessageSize = options.maxMessageSize ?? DEFAULTS.maxMessageSize;
  const tls =
    options.tls ?? generateSelfSignedCertificate({ commonName: options.hostname ?? DEFAULTS.hostname });

  const events = new EventLog();
  if (options.log) {
    const logLine = options.log;
    events.subscribe(({ type, data }) => {
      if (type !== 'message') return;
      const m = data as MessageSummary;
      const route = `${m.envelope.mailFrom || '<>'} -> ${m.envelope.rcptTo.join(', ')}`;
      logLine(`stored ${m.id}: ${route} ${JSON.stringify(m.subject)} (${m.size} bytes)`);
    });
  }
  const faults = new FaultEngine(events, log);
  const oauth = new OAuthProvider(
    options.oauth === true
      ? {}
      : options.oauth === false || options.oauth === undefined
        ? null
        : options.oauth,
  );
  const store = new MessageStore(
    {
      maxMessages: options.maxMessages ?? DEFAULTS.maxMessages,
      maxAgeMs: options.maxAgeMs ?? DEFAULTS.maxAgeMs,
      maxBytes: options.maxBytes ?? DEFAULTS.maxBytes,
    },
    events,
    options.storeDir ? new MessageDirectory(options.storeDir) : null,
    log,
  );
  await store.load();

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    store.close();
    await Promise.all(closers.splice(0).map((fn) => fn()));
    await store.idle();
  };

  try {
    const smtpCommon = {
      host,
      tls,
      hostname: options.hostname ?? DEFAULTS.hostname,
      maxMessageSize,
      greetingDelayMs: options.greetingDelayMs ?? 0,
      authRequired: options.authRequired ?? false,
    };
    const reports = new ReportMailer(store, smtpCommon.hostname, log);
    const smtpContext = { store, faults, users, oauth, reports, log };
    const ports = { smtp: 0, smtps: 0, pop3: 0, imap: 0, imaps: 0, http: 0 };
    const secureContext = createSecureContext({ key: tls.key, cert: tls.cert });

    const smtpPort = portOption(options.smtpPort);
    if (smtpPort !== false) {
      const smtp = await startSmtp(smtpContext, { ...smtpCommon, port: smtpPort, secure: false });
      closers.push(() => smtp.server.shutdown());
      ports.smtp = smtp.port;
    }
    const smtpsPort = portOption(options.smtpsPort);
    if (smtpsPort !== false) {
      const smtps = await startSmtp(smtpContext, { ...smtpCommon, port: smtpsPort, secure: true });
      closers.push(() => smtps.server.shutdown());
      ports.smtps = smtps.port;
    }
    const pop3Port = portOption(options.pop3Port);
    if (pop3Port !== false) {
      const pop3 = await startPop3({ store, users, oauth, log, secureContext }, { host, port: pop3Port });
      closers.push(pop3.close);
      ports.pop3 = pop3.port;
    }
    const imapContext = {
      store,
      events,
      faults,
      users,
      oauth,
      secureContext,
      certificate: tls,
      folders: new Folders(store),
      cache: new MimeCache(store),
      maxMessageSize,
      log,
    };
    for (const secure of [false, true]) {
      const port = portOption(secure ? options.imapsPort : options.imapPort);
      if (port === false) continue;
      const imap = await startImap(imapContext, { host, port, secure });
      closers.push(imap.close);
      ports[secure ? 'imaps' : 'imap'] = imap.port;
    }
    const httpPort = portOption(options.httpPort);
    if (httpPort !== false) {
      const http = await startHttp(
        {
          store,
          faults,
          events,
          mailgunApiKey: options.mailgunApiKey ?? null,
          sesCredentials: options.sesCredentials ? { ...options.sesCredentials } : null,
          maxMessageSize,
          oauth,
          reports,
          reset: () => {
            store.clear();
            faults.clear();
            oauth.reset();
          },
          log,
          open: new Set<ServerResponse>(),
        },
        { host, port: httpPort },
      );
      closers.push(http.close);
      ports.http = http.port;
    }
    const urlHost = host.includes(':') ? `[${host}]` : host;
    if (ports.http) oauth.setIssuer(`http://${urlHost}:${ports.http}`);

    const server: MockMailServer = {
      host,
      smtpPort: ports.smtp,
      smtpsPort: ports.smtps,
      pop3Port: ports.pop3,
      imapPort: ports.imap,
      imapsPort: ports.imaps,
      httpPort: ports.http,
      httpUrl: ports.http ? `http://${urlHost}:${ports.http}` : '',
      certificate: tls.cert.toString(),
      async waitFor({ after, timeoutMs, ...filter }) {
        return store.waitFor(filter, store.resolveCursor(after), timeoutMs ?? DEFAULTS.waitTimeoutMs);
      },
      async waitForCode({ pattern, ...wait }) {
        const message = await server.waitFor(wait);
        const code = extractCodes(message, pattern).codes[0];
        if (!code)
          throw new Error(`message ${message.id} (${JSON.stringify(message.subject)}) carries no code`);
        return code.value;
      },
      codes(id, pattern) {
        const message = store.get(id);
        if (!message) throw new Error(`no message with id ${JSON.stringify(id)}`);
        return extractCodes(message, pattern);
      },
      messages: (filter) => store.query(filter),
      message: (id) => store.get(id),
      raw: (id) => store.raw(id),
      cursor: () => store.cursor(),
      deleteMessages: (filter = {}) => store.deleteMatching(filter),
      oauth,
      faults: {
        set: (rules) => faults.set(rules),
        clear: () => faults.clear(),
        list: () => faults.list(),
        fired: () => faults.fired(),
      },
      async reset() {
        store.clear();
        faults.clear();
        oauth.reset();
      },
      close,
    };
    return server;
  } catch (error) {
    await close();
    throw error;
  }
}
