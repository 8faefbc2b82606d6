// Puts what discovery proposed into the account form's draft. Everything stays editable: this only
// writes the fields, the admin changes any of them afterwards.
import type { AccountDraft, AuthDraft } from './accountDraft';
import type { Autoconfig, DiscoveredServer } from './oauth';

type Loose = DiscoveredServer | DiscoveredServer[] | Record<string, DiscoveredServer | undefined> | null;

/** The first server of an answer that gives one, a list, or one per protocol (`{ imap, pop3 }`). */
function firstServer(s: Loose | undefined): DiscoveredServer | undefined {
  if (!s) return undefined;
  if (Array.isArray(s)) return s[0];
  if ('host' in s && typeof s.host === 'string') return s as DiscoveredServer;
  const map = s as Record<string, DiscoveredServer | undefined>;
  for (const p of ['imap', 'pop3'] as const) {
    const v = map[p];
    if (v) return { ...v, protocol: v.protocol ?? p };
  }
  return undefined;
}

/** The auth method the form should start on, from the methods the provider takes (best first). */
export function preferredAuth(methods: readonly string[]): AuthDraft['method'] {
  if (methods[0] === 'oauth2' || (methods.length > 0 && methods.every((m) => m === 'oauth2')))
    return 'oauth2';
  return 'password';
}

function fillAuth(auth: AuthDraft, method: AuthDraft['method'], username: string, a: Autoconfig): void {
  auth.method = method;
  auth.username = username;
  if (method === 'oauth2' && a.oauth?.tokenEndpoint) auth.tokenUrl = a.oauth.tokenEndpoint;
}

/**
 * Writes a discovery answer for `email` into `d` (a store draft via produce, or a plain object):
 * outgoing SMTP host/port/security, incoming protocol/host/port/security, the username (the address,
 * or the provider's fixed one such as SendGrid's `apikey`), the auth method; the From address and the
 * name when they are still empty. Returns whether anything was found.
 */
export function applyAutoconfig(d: AccountDraft, email: string, a: Autoconfig): boolean {
  const out = firstServer(a.outgoing as Loose);
  const inc = firstServer(a.incoming as Loose);
  const method = preferredAuth(a.auth ?? []);
  const userOf = (s: DiscoveredServer) => s.username ?? a.username ?? email;
  if (!d.name) d.name = email;
  if (!d.outgoing.fromAddress) d.outgoing.fromAddress = email;
  if (out) {
    d.outgoing.enabled = true;
    d.outgoing.transport = 'smtp';
    const smtp = d.outgoing.kinds.smtp;
    smtp.server.host = out.host;
    smtp.server.port = String(out.port);
    smtp.server.security = out.security;
    fillAuth(smtp.auth, method, userOf(out), a);
  }
  if (inc) {
    d.incoming.enabled = true;
    d.incoming.protocol =
      inc.protocol === 'pop3' || (!inc.protocol && (inc.port === 995 || inc.port === 110)) ? 'pop3' : 'imap';
    d.incoming.host = inc.host;
    d.incoming.port = String(inc.port);
    d.incoming.security = inc.security;
    fillAuth(d.incoming.auth, method, userOf(inc), a);
  }
  return !!(out || inc);
}
