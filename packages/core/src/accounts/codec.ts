import {
  type AccountView,
  type Direction,
  type IncomingParsed,
  imapDefaultPorts,
  type OutgoingParsed,
  pop3DefaultPorts,
  type SecretPath,
  secretPaths,
  smtpDefaultPorts,
} from '../schemas/account';
import type { SecretBox } from '../security/secretBox';
import type { AccountRow } from './types';

type Part = Record<string, unknown>;

/** Reads a dotted path in a plain object. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function deletePath(obj: Part, path: string): void {
  const keys = path.split('.');
  let cur: unknown = obj;
  for (const key of keys.slice(0, -1)) {
    if (!cur || typeof cur !== 'object') return;
    cur = (cur as Record<string, unknown>)[key];
  }
  if (cur && typeof cur === 'object') delete (cur as Record<string, unknown>)[keys[keys.length - 1]!];
}

function setPath(obj: Part, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    if (!cur[key] || typeof cur[key] !== 'object') cur[key] = {};
    cur = cur[key] as Part;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** Fills the port from the security mode when the admin left it out (25/587/465, 143/993, 110/995). */
export function withDefaultPort<T extends OutgoingParsed | IncomingParsed>(part: T): T {
  if ('transport' in part) {
    if (part.transport !== 'smtp') return part;
    return { ...part, port: part.port ?? smtpDefaultPorts[part.security] };
  }
  const table = part.protocol === 'imap' ? imapDefaultPorts : pop3DefaultPorts;
  return { ...part, port: part.port ?? table[part.security] };
}

export type SecretChanges = Partial<Record<SecretPath, string | null>>;

/**
 * Splits a parsed account document into what is stored in clear and the secrets it carries.
 * A secret that is `undefined` is absent from the changes (keep); `null` clears; a string replaces.
 */
export function splitSecrets(doc: { outgoing?: Part | null; incoming?: Part | null }): {
  outgoing: Part | null;
  incoming: Part | null;
  changes: SecretChanges;
} {
  const clone = structuredClone({ outgoing: doc.outgoing ?? null, incoming: doc.incoming ?? null });
  const changes: SecretChanges = {};
  for (const path of secretPaths) {
    const value = getPath(clone, path);
    if (value !== undefined) changes[path] = value as string | null;
    deletePath(clone as Part, path);
  }
  return { outgoing: clone.outgoing, incoming: clone.incoming, changes };
}

/** Applies secret changes to the stored ciphertext map, dropping secrets whose part or auth method went away. */
export function applySecretChanges(
  box: SecretBox,
  stored: Record<string, string>,
  changes: SecretChanges,
  parts: { outgoing: Part | null; incoming: Part | null },
): Record<string, string> {
  const next: Record<string, string> = { ...stored };
  for (const [path, value] of Object.entries(changes)) {
    if (value === null) delete next[path];
    else if (typeof value === 'string') next[path] = box.encrypt(value);
  }
  for (const path of Object.keys(next)) if (!secretStillApplies(path as SecretPath, parts)) delete next[path];
  return next;
}

export function secretStillApplies(
  path: SecretPath,
  parts: { outgoing: Part | null; incoming: Part | null },
): boolean {
  const [partName, ...rest] = path.split('.') as [Direction, ...string[]];
  const part = parts[partName];
  if (!part) return false;
  const field = rest.join('.');
  if (field === 'apiKey') return part.transport === 'mailgun';
  const method = getPath(part, 'auth.method');
  if (field === 'auth.password') return method === 'password';
  return method === 'oauth2';
}

/** The stored settings of one direction with secrets decrypted: what a transport or a test connects with. */
export function resolvePart<D extends Direction>(
  box: SecretBox,
  row: Pick<AccountRow, 'outgoing' | 'incoming' | 'secrets'>,
  direction: D,
): (D extends 'outgoing' ? OutgoingParsed : IncomingParsed) | null {
  const part = row[direction];
  if (!part) return null;
  const out = structuredClone(part) as Part;
  for (const [path, ct] of Object.entries(row.secrets)) {
    if (!path.startsWith(`${direction}.`)) continue;
    setPath(out, path.slice(direction.length + 1), box.decrypt(ct));
  }
  return out as never;
}

/** Every plaintext secret of an account, for redacting transcripts and errors. */
export function secretValues(box: SecretBox, row: Pick<AccountRow, 'secrets'>): string[] {
  return Object.values(row.secrets).map((ct) => box.decrypt(ct));
}

function authView(auth: Part | undefined, has: (field: string) => boolean, prefix: string) {
  if (!auth || auth.method === 'none' || !auth.method) return { method: 'none' as const };
  if (auth.method === 'password') {
    return {
      method: 'password' as const,
      username: String(auth.username ?? ''),
      hasPassword: has(`${prefix}.auth.password`),
    };
  }
  return {
    method: 'oauth2' as const,
    username: String(auth.username ?? ''),
    clientId: String(auth.clientId ?? ''),
    tokenUrl: String(auth.tokenUrl ?? ''),
    hasClientSecret: has(`${prefix}.auth.clientSecret`),
    hasToken: has(`${prefix}.auth.refreshToken`),
  };
}

/** The API's view of an account: settings without secrets, `has*` flags in their place. */
export function toView(
  row: AccountRow,
  defaults: Array<{ teamId: string | null; direction: Direction }>,
): AccountView {
  const has = (path: string) => path in row.secrets;
  let outgoing: AccountView['outgoing'] = null;
  if (row.outgoing) {
    const o = row.outgoing as Part;
    const common = {
      from: o.from as { address: string; name?: string },
      ...(o.replyTo ? { replyTo: String(o.replyTo) } : {}),
      fromFilter: (o.fromFilter as string[]) ?? [],
      sendMode: (o.sendMode as 'immediate' | 'queued') ?? 'queued',
      rateLimitPerMinute: Number(o.rateLimitPerMinute ?? 0),
      verifiedAt: row.verifiedAt ? row.verifiedAt.toISOString() : null,
    };
    if (o.transport === 'smtp') {
      outgoing = {
        transport: 'smtp',
        host: String(o.host),
        port: Number(o.port),
        security: o.security as 'none' | 'starttls' | 'tls',
        allowInvalidCertificates: Boolean(o.allowInvalidCertificates),
        auth: authView(o.auth as Part, has, 'outgoing'),
        ...common,
      };
    } else if (o.transport === 'sendmail') {
      outgoing = { transport: 'sendmail', path: String(o.path), ...common };
    } else {
      outgoing = {
        transport: 'mailgun',
        domain: String(o.domain),
        baseUrl: String(o.baseUrl),
        hasApiKey: has('outgoing.apiKey'),
        ...common,
      };
    }
  }
  let incoming: AccountView['incoming'] = null;
  if (row.incoming) {
    const i = row.incoming as Part;
    incoming = {
      protocol: i.protocol as 'imap' | 'pop3',
      host: String(i.host),
      port: Number(i.port),
      security: i.security as 'none' | 'starttls' | 'tls',
      allowInvalidCertificates: Boolean(i.allowInvalidCertificates),
      auth: authView(i.auth as Part, has, 'incoming'),
      mailbox: String(i.mailbox ?? 'INBOX'),
      pollIntervalSec: Number(i.pollIntervalSec ?? 60),
      afterFetch: (i.afterFetch as 'keep' | 'mark_seen' | 'delete') ?? 'keep',
      enabled: i.enabled !== false,
    };
  }
  return {
    id: row.id,
    name: row.name,
    label: row.label,
    purpose: row.purpose,
    teamId: row.teamId,
    stage: row.stage,
    stageReason: row.stageReason,
    health: row.health,
    healthReason: row.healthReason,
    debug: row.debug,
    outgoing,
    incoming,
    lastTest: row.lastTest as AccountView['lastTest'],
    defaults,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}
