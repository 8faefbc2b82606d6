// The form's working copy of an account. Inputs hold strings (a half-typed port is not a number
// yet); toInput() turns it into the API's input shape, which the shared zod schema then judges.
import {
  type AccountView,
  type AuthView,
  type IncomingView,
  imapDefaultPorts,
  type OutgoingView,
  pop3DefaultPorts,
  type SaslMechanism,
  type Security,
  smtpDefaultPorts,
  type TransportKind,
  transportCatalog,
  transportKinds,
} from '@mailroom/core/schemas';
import { type DkimDraft, dkimDraftFromView, dkimInput, emptyDkimDraft } from './dkimDraft';
import { newSecret, type SecretDraft, secretValue } from './secrets';

export type AuthDraft = {
  method: 'none' | 'password' | 'oauth2';
  username: string;
  password: SecretDraft;
  clientId: string;
  clientSecret: SecretDraft;
  refreshToken: SecretDraft;
  tokenUrl: string;
  /** OAuth2: the SASL mechanism that carries the token (auto, xoauth2, oauthbearer). */
  mechanism: SaslMechanism;
};

/** Host, port, security and certificate checks of a server (SMTP's `server` field). */
export type ServerDraft = {
  host: string;
  port: string;
  security: Security;
  allowInvalidCertificates: boolean;
};

/**
 * One transport's fields as the form holds them, whatever its kind: the transport's field spec
 * (transports/<kind>/settings.ts) says which of them it uses. Each kind keeps its own, so switching
 * transport and back loses nothing typed.
 */
export type TransportDraft = {
  server: ServerDraft;
  auth: AuthDraft;
  /** Text and URL fields by key (`domain`, `baseUrl`, `region`). */
  values: Record<string, string>;
  /** Secret fields by key (`apiKey`, `secretAccessKey`). */
  secrets: Record<string, SecretDraft>;
};

export type OutgoingDraft = {
  enabled: boolean;
  transport: TransportKind;
  /** Every transport's own fields, by kind. */
  kinds: Record<TransportKind, TransportDraft>;
  fromAddress: string;
  fromName: string;
  replyTo: string;
  fromFilter: string;
  /** What a From the account may not send as gets: refused, or rewritten to the account's own address. */
  fromNotAllowed: 'refuse' | 'rewrite';
  sendMode: 'immediate' | 'queued';
  rateLimitPerMinute: string;
  /** VERP: where bounces come back (empty: off). */
  bounceAddress: string;
  /** DKIM signing with the account's own key (lib/dkimDraft.ts). */
  dkim: DkimDraft;
};

export type IncomingDraft = {
  enabled: boolean;
  protocol: 'imap' | 'pop3';
  host: string;
  port: string;
  security: Security;
  allowInvalidCertificates: boolean;
  auth: AuthDraft;
  mailbox: string;
  pollIntervalSec: string;
  afterFetch: 'keep' | 'mark_seen' | 'delete';
  fetchEnabled: boolean;
  bounceMailbox: boolean;
};

export type AccountDraft = {
  name: string;
  label: string;
  purpose: 'system' | 'campaigns' | 'customer_service';
  teamId: string;
  debug: boolean;
  outgoing: OutgoingDraft;
  incoming: IncomingDraft;
};

const emptyAuth = (method: AuthDraft['method']): AuthDraft => ({
  method,
  username: '',
  password: newSecret(),
  clientId: '',
  clientSecret: newSecret(),
  refreshToken: newSecret(),
  tokenUrl: '',
  mechanism: 'auto',
});

/** Default port for a direction/protocol and security mode: 587 for STARTTLS SMTP, 993 for IMAPS… */
export function defaultPort(kind: 'smtp' | 'imap' | 'pop3', security: Security): number {
  return (kind === 'smtp' ? smtpDefaultPorts : kind === 'imap' ? imapDefaultPorts : pop3DefaultPorts)[
    security
  ];
}

/** A transport's fields as a new account starts them: the transport's form defaults. */
export function emptyTransportDraft(kind: TransportKind): TransportDraft {
  const t = transportCatalog[kind];
  const security = (t.defaults.security as Security | undefined) ?? 'starttls';
  const values: Record<string, string> = {};
  const secrets: Record<string, SecretDraft> = {};
  for (const f of t.fields) {
    if (f.kind === 'text' || f.kind === 'url') values[f.key] = t.defaults[f.key] ?? '';
    if (f.kind === 'secret') secrets[f.key] = newSecret();
  }
  return {
    server: {
      host: '',
      port: t.defaultPorts ? String(t.defaultPorts[security]) : '',
      security,
      allowInvalidCertificates: false,
    },
    auth: emptyAuth((t.defaults['auth.method'] as AuthDraft['method'] | undefined) ?? 'none'),
    values,
    secrets,
  };
}

const emptyKinds = (): Record<TransportKind, TransportDraft> => {
  const kinds = {} as Record<TransportKind, TransportDraft>;
  for (const kind of transportKinds) kinds[kind] = emptyTransportDraft(kind);
  return kinds;
};

export function emptyDraft(teamId = ''): AccountDraft {
  return {
    name: '',
    label: '',
    purpose: 'system',
    teamId,
    debug: false,
    outgoing: {
      enabled: true,
      transport: 'smtp',
      kinds: emptyKinds(),
      fromAddress: '',
      fromName: '',
      replyTo: '',
      fromFilter: '',
      fromNotAllowed: 'refuse',
      sendMode: 'queued',
      rateLimitPerMinute: '0',
      bounceAddress: '',
      dkim: emptyDkimDraft(),
    },
    incoming: {
      enabled: false,
      protocol: 'imap',
      host: '',
      port: String(imapDefaultPorts.tls),
      security: 'tls',
      allowInvalidCertificates: false,
      auth: emptyAuth('password'),
      mailbox: 'INBOX',
      pollIntervalSec: '60',
      afterFetch: 'keep',
      fetchEnabled: true,
      bounceMailbox: false,
    },
  };
}

function authFromView(v: AuthView): AuthDraft {
  const a = emptyAuth(v.method);
  if (v.method === 'password') return { ...a, username: v.username, password: newSecret(v.hasPassword) };
  if (v.method === 'oauth2')
    return {
      ...a,
      username: v.username,
      clientId: v.clientId,
      tokenUrl: v.tokenUrl,
      mechanism: v.mechanism,
      clientSecret: newSecret(v.hasClientSecret),
      refreshToken: newSecret(v.hasToken),
    };
  return a;
}

/** The stored account as a draft; secrets become "stored" placeholders, never values. */
export function draftFromView(a: AccountView): AccountDraft {
  const d = emptyDraft(a.teamId ?? '');
  d.name = a.name;
  d.label = a.label ?? '';
  d.purpose = a.purpose;
  d.debug = a.debug;
  const o = a.outgoing;
  if (o) {
    d.outgoing = {
      ...d.outgoing,
      enabled: true,
      transport: o.transport,
      fromAddress: o.from.address,
      fromName: o.from.name ?? '',
      replyTo: o.replyTo ?? '',
      fromFilter: o.fromFilter.join('\n'),
      fromNotAllowed: o.fromNotAllowed,
      sendMode: o.sendMode,
      rateLimitPerMinute: String(o.rateLimitPerMinute),
      bounceAddress: o.bounceAddress ?? '',
      dkim: dkimDraftFromView(o.dkim),
    };
    d.outgoing.kinds[o.transport] = transportDraftFromView(o);
  } else d.outgoing.enabled = false;
  const i: IncomingView | null = a.incoming;
  if (i) {
    d.incoming = {
      enabled: true,
      protocol: i.protocol,
      host: i.host,
      port: String(i.port),
      security: i.security,
      allowInvalidCertificates: i.allowInvalidCertificates,
      auth: authFromView(i.auth),
      mailbox: i.mailbox,
      pollIntervalSec: String(i.pollIntervalSec),
      afterFetch: i.afterFetch,
      fetchEnabled: i.enabled,
      bounceMailbox: i.bounceMailbox,
    };
  }
  return d;
}

/** The stored transport as its draft, field by field of its spec; secrets become "stored" placeholders. */
function transportDraftFromView(o: OutgoingView): TransportDraft {
  const t = emptyTransportDraft(o.transport);
  const view: Record<string, unknown> = { ...o };
  const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
  for (const f of transportCatalog[o.transport].fields) {
    if (f.kind === 'server' && 'host' in o) {
      t.server = {
        host: o.host,
        port: String(o.port),
        security: o.security,
        allowInvalidCertificates: o.allowInvalidCertificates,
      };
    }
    if (f.kind === 'auth' && 'auth' in o) t.auth = authFromView(o.auth);
    if (f.kind === 'text' || f.kind === 'url') t.values[f.key] = text(view[f.key]);
    if (f.kind === 'secret') t.secrets[f.key] = newSecret(view[f.has] === true);
  }
  return t;
}

// A blank number box means "use the default"; anything else goes to zod as a number (NaN → "must be a number").
const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());

function authInput(a: AuthDraft) {
  if (a.method === 'none') return { method: 'none' as const };
  if (a.method === 'password')
    return { method: 'password' as const, username: a.username, password: secretValue(a.password) };
  return {
    method: 'oauth2' as const,
    username: a.username,
    clientId: a.clientId,
    clientSecret: secretValue(a.clientSecret),
    refreshToken: secretValue(a.refreshToken),
    tokenUrl: a.tokenUrl,
    mechanism: a.mechanism,
  };
}

/** The outgoing part as the API takes it, without keys the chosen transport does not have. */
export function outgoingInput(o: OutgoingDraft) {
  const common = {
    from: { address: o.fromAddress, name: opt(o.fromName) },
    replyTo: opt(o.replyTo),
    fromFilter: o.fromFilter
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean),
    fromNotAllowed: o.fromNotAllowed,
    sendMode: o.sendMode,
    rateLimitPerMinute: num(o.rateLimitPerMinute) ?? 0,
    bounceAddress: opt(o.bounceAddress),
  };
  return {
    ...transportInput(o.transport, o.kinds[o.transport]),
    ...common,
    ...dkimInput(o.dkim, o.transport),
  };
}

/** One transport's fields as the API takes them, field by field of its spec. */
function transportInput(kind: TransportKind, t: TransportDraft): Record<string, unknown> {
  const part: Record<string, unknown> = { transport: kind };
  for (const f of transportCatalog[kind].fields) {
    if (f.kind === 'server') {
      Object.assign(part, {
        host: t.server.host,
        port: num(t.server.port),
        security: t.server.security,
        allowInvalidCertificates: t.server.allowInvalidCertificates,
      });
    }
    if (f.kind === 'auth') part.auth = authInput(t.auth);
    if (f.kind === 'text' || f.kind === 'url') {
      const value = t.values[f.key] ?? '';
      part[f.key] = f.optional ? opt(value) : value;
    }
    if (f.kind === 'secret') part[f.key] = secretValue(t.secrets[f.key] ?? newSecret());
  }
  return part;
}

export function incomingInput(i: IncomingDraft) {
  return {
    protocol: i.protocol,
    host: i.host,
    port: num(i.port),
    security: i.security,
    allowInvalidCertificates: i.allowInvalidCertificates,
    auth: authInput(i.auth),
    mailbox: i.protocol === 'imap' ? i.mailbox || 'INBOX' : 'INBOX',
    pollIntervalSec: num(i.pollIntervalSec),
    afterFetch: i.afterFetch,
    enabled: i.fetchEnabled,
    bounceMailbox: i.bounceMailbox,
  };
}

/** The whole account as `POST /accounts` takes it. */
export function toInput(d: AccountDraft) {
  return {
    name: d.name,
    label: opt(d.label),
    purpose: d.purpose,
    teamId: d.teamId || null,
    debug: d.debug,
    outgoing: d.outgoing.enabled ? outgoingInput(d.outgoing) : null,
    incoming: d.incoming.enabled ? incomingInput(d.incoming) : null,
  };
}

/**
 * The PATCH body: only parts that changed since loading, so an unchanged connection keeps its
 * verification; label null clears it.
 */
export function toPatch(d: AccountDraft, original: AccountDraft) {
  const now = toInput(d);
  const before = toInput(original);
  const body: Record<string, unknown> = {};
  if (now.name !== before.name) body.name = now.name;
  if (now.label !== before.label) body.label = now.label ?? null;
  if (now.purpose !== before.purpose) body.purpose = now.purpose;
  if (now.teamId !== before.teamId) body.teamId = now.teamId;
  if (now.debug !== before.debug) body.debug = now.debug;
  if (JSON.stringify(now.outgoing) !== JSON.stringify(before.outgoing)) body.outgoing = now.outgoing;
  if (JSON.stringify(now.incoming) !== JSON.stringify(before.incoming)) body.incoming = now.incoming;
  return body;
}
