import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { MockMailServerOptions, OAuthClientConfig, OAuthOptions } from './types.js';

export const HELP = `Usage: mock-mailserver [options]

A mock mail server for tests: SMTP (STARTTLS), SMTPS, POP3, IMAP (STARTTLS), IMAPS and an
HTTP API with a web page.

Listeners (a port, 0 for any free port, or "off"):
  --smtp <port>              SMTP with STARTTLS            (default 1025)
  --smtps <port>             SMTP over implicit TLS        (default 1465)
  --pop3 <port>              POP3 with STLS                (default 1110)
  --imap <port>              IMAP with STARTTLS            (default 1143)
  --imaps <port>             IMAP over implicit TLS        (default 1993)
  --http <port>              HTTP API and web page         (default 8025)
  --host <address>           address to bind               (default 127.0.0.1)

Authentication:
  --users <user:pass,...>    only these credentials pass SMTP AUTH, POP3 and IMAP (535 otherwise);
                             repeatable. Without it any credentials are accepted.
  --auth-required            refuse MAIL FROM before AUTH
  --mailgun-key <key>        require basic auth api:<key> on the Mailgun emulation
  --ses-access-key-id <id> --ses-secret-access-key <secret>
                             require SigV4 signatures made with this key pair on the
                             SES emulation (both together)

OAuth2 provider emulation (metadata at <http>/.well-known/oauth-authorization-server):
  --oauth                    every SMTP, IMAP and POP3 login must use a token the mock issued
                             (XOAUTH2 or OAUTHBEARER); passwords are refused
  --oauth-domains <d,...>    only logins at these domains must (e.g. oauth.mock.test)
  --oauth-client <id[:secret[:redirect-uri]]>
                             accept only registered clients (repeatable); without it any
                             client_id is accepted
  --oauth-token-ttl <dur>    access token lifetime, e.g. 10m (default 1h)
  --oauth-issuer <url>       issuer and endpoint base (default the HTTP listener's URL)
  --oauth-dialect <rfc|google>
                             google: device-flow errors with Google's statuses (428, 403)
                             and verification_url (default rfc: RFC 8628)
  --oauth-mechanisms <m,...> the token mechanisms advertised and taken: XOAUTH2, OAUTHBEARER
                             (default both; XOAUTH2 alone is Microsoft 365)

Storage:
  --max-messages <n>         keep at most n messages, oldest pruned first (default 1000)
  --max-age <duration>       prune messages older than this, e.g. 90m, 24h (default 24h)
  --max-bytes <size>         prune while stored content exceeds this, e.g. 64m (default 128m)
  --max-message-size <size>  SMTP SIZE limit, e.g. 25m (default 25m)
  --store <dir>              keep messages as .eml files in dir and reload them at start

Other:
  --tls-key <file> --tls-cert <file>  PEM key and certificate (default: self-signed, made at start)
  --hostname <name>          name in the SMTP greeting (default mock-mailserver)
  --greeting-delay <ms>      pause before the SMTP greeting (default 0)
  --quiet                    print only the listening addresses
  -h, --help                 show this help
`;

export class CliError extends Error {}

function port(name: string, value: string | undefined, fallback: number): number | false {
  if (value === undefined) return fallback;
  if (value === 'off' || value === 'false') return false;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new CliError(`--${name}: expected a port or "off", got ${value}`);
  return n;
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliError(`--${name}: expected a non-negative integer, got ${value}`);
  return n;
}

/** `90s`, `15m`, `24h`, `7d`, or milliseconds. */
export function duration(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new CliError(`--${name}: expected a duration such as 90s, 15m, 24h, got ${value}`);
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return Number(match[1]) * units[match[2] ?? 'ms']!;
}

/** `512k`, `25m`, `1g`, or bytes. */
export function size(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)([kmg])?i?b?$/i.exec(value.trim());
  if (!match) throw new CliError(`--${name}: expected a size such as 512k, 25m, got ${value}`);
  const units: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  return Number(match[1]) * (match[2] ? units[match[2].toLowerCase()]! : 1);
}

export function users(values: string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of values.flatMap((v) => v.split(','))) {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new CliError(`--users: expected user:password, got ${pair}`);
    out[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return out;
}

/** `id`, `id:secret` or `id:secret:redirect-uri` (the URI may hold colons of its own). */
export function oauthClients(values: string[]): OAuthClientConfig[] | undefined {
  if (values.length === 0) return undefined;
  return values.map((value) => {
    const [clientId, secret, ...uri] = value.split(':');
    if (!clientId) throw new CliError(`--oauth-client: expected id[:secret[:redirect-uri]], got ${value}`);
    const redirectUri = uri.join(':');
    return {
      clientId,
      ...(secret ? { clientSecret: secret } : {}),
      ...(redirectUri ? { redirectUris: [redirectUri] } : {}),
    };
  });
}

function oauthOptions(v: ReturnType<typeof parse>['values']): OAuthOptions | undefined {
  const domains = v['oauth-domains']?.flatMap((d) => d.split(',')).filter(Boolean);
  const clients = oauthClients(v['oauth-client'] ?? []);
  const ttl = duration('oauth-token-ttl', v['oauth-token-ttl']);
  if (ttl !== undefined && ttl < 1000) throw new CliError('--oauth-token-ttl: at least 1s');
  const dialect = v['oauth-dialect'];
  if (dialect !== undefined && dialect !== 'rfc' && dialect !== 'google') {
    throw new CliError(`--oauth-dialect: expected rfc or google, got ${dialect}`);
  }
  const mechanisms = v['oauth-mechanisms']?.split(',').map((m) => m.trim().toUpperCase());
  const bad = mechanisms?.find((m) => m !== 'XOAUTH2' && m !== 'OAUTHBEARER');
  if (bad !== undefined)
    throw new CliError(`--oauth-mechanisms: expected XOAUTH2 or OAUTHBEARER, got ${bad}`);
  const options: OAuthOptions = {
    ...(domains?.length ? { domains } : {}),
    ...(clients ? { clients } : {}),
    ...(ttl !== undefined ? { accessTokenTtlSeconds: Math.floor(ttl / 1000) } : {}),
    ...(v['oauth-issuer'] ? { issuer: v['oauth-issuer'] } : {}),
    ...(dialect ? { dialect } : {}),
    ...(mechanisms ? { mechanisms: mechanisms as Array<'XOAUTH2' | 'OAUTHBEARER'> } : {}),
  };
  return v.oauth || Object.keys(options).length ? options : undefined;
}

export type CliCommand = { help: true } | { help: false; quiet: boolean; options: MockMailServerOptions };

/** Parses the command line into server options (CLI defaults: the fixed ports 1025/1465/1110/1143/1993/8025). */
export function parseCli(argv: string[]): CliCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  if (!!v['tls-key'] !== !!v['tls-cert']) throw new CliError('--tls-key and --tls-cert go together');
  if (!!v['ses-access-key-id'] !== !!v['ses-secret-access-key']) {
    throw new CliError('--ses-access-key-id and --ses-secret-access-key go together');
  }
  const options: MockMailServerOptions = {
    smtpPort: port('smtp', v.smtp, 1025),
    smtpsPort: port('smtps', v.smtps, 1465),
    pop3Port: port('pop3', v.pop3, 1110),
    imapPort: port('imap', v.imap, 1143),
    imapsPort: port('imaps', v.imaps, 1993),
    httpPort: port('http', v.http, 8025),
  };
  const set = <K extends keyof MockMailServerOptions>(
    key: K,
    value: MockMailServerOptions[K] | undefined,
  ) => {
    if (value !== undefined) options[key] = value;
  };
  set('host', v.host);
  set('users', users(v.users ?? []));
  set('authRequired', v['auth-required'] || undefined);
  set('mailgunApiKey', v['mailgun-key']);
  if (v['ses-access-key-id'] && v['ses-secret-access-key']) {
    options.sesCredentials = {
      accessKeyId: v['ses-access-key-id'],
      secretAccessKey: v['ses-secret-access-key'],
    };
  }
  set('oauth', oauthOptions(v));
  set('maxMessages', integer('max-messages', v['max-messages']));
  set('maxAgeMs', duration('max-age', v['max-age']));
  set('maxBytes', size('max-bytes', v['max-bytes']));
  set('maxMessageSize', size('max-message-size', v['max-message-size']));
  set('storeDir', v.store);
  set('hostname', v.hostname);
  set('greetingDelayMs', integer('greeting-delay', v['greeting-delay']));
  if (v['tls-key'] && v['tls-cert']) {
    options.tls = { key: readFileSync(v['tls-key']), cert: readFileSync(v['tls-cert']) };
  }
  return { help: false, quiet: !!v.quiet, options };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      smtp: { type: 'string' },
      smtps: { type: 'string' },
      pop3: { type: 'string' },
      imap: { type: 'string' },
      imaps: { type: 'string' },
      http: { type: 'string' },
      host: { type: 'string' },
      users: { type: 'string', multiple: true },
      'auth-required': { type: 'boolean' },
      'mailgun-key': { type: 'string' },
      'ses-access-key-id': { type: 'string' },
      'ses-secret-access-key': { type: 'string' },
      oauth: { type: 'boolean' },
      'oauth-domains': { type: 'string', multiple: true },
      'oauth-client': { type: 'string', multiple: true },
      'oauth-token-ttl': { type: 'string' },
      'oauth-issuer': { type: 'string' },
      'oauth-dialect': { type: 'string' },
      'oauth-mechanisms': { type: 'string' },
      'max-messages': { type: 'string' },
      'max-age': { type: 'string' },
      'max-bytes': { type: 'string' },
      'max-message-size': { type: 'string' },
      store: { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
      hostname: { type: 'string' },
      'greeting-delay': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
