import {
  attachDkim,
  completeDkim,
  DKIM_KEY_FIELD,
  dkimSecretsUsed,
  dkimView,
  keepDkimRecord,
  splitDkim,
  withGeneratedDkimKey,
} from '../dkim/settings';
import { noTraffic, type TrafficOf } from '../health/traffic';
import {
  type AccountView,
  attachAuth,
  authSecretsUsed,
  authView,
  type Direction,
  type IncomingParsed,
  type IncomingSettings,
  type IncomingStored,
  imapDefaultPorts,
  type OutgoingParsed,
  type OutgoingSettings,
  type OutgoingStored,
  type OutgoingView,
  type OutgoingViewCommon,
  type ParsedOf,
  pop3DefaultPorts,
  type SecretUse,
  type SecretValue,
  type SettingsOf,
  type StoredOf,
  settingsOf,
  splitAuth,
  type TransportKind,
} from '../schemas/account';
import type { SecretBox } from '../security/secretBox';
import type { AccountRow } from './types';

/** Reads a dotted path in a plain object. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Both parts of an account as stored (no secrets). */
export type StoredParts = { outgoing: OutgoingStored | null; incoming: IncomingStored | null };
/** A part's secrets as the input carried them, by field relative to the part (`auth.password`, `apiKey`). */
type PartSecrets = Partial<Record<string, SecretValue>>;
/** Secret changes by path (`outgoing.apiKey`): a string replaces, null clears; absent keeps. */
export type SecretChanges = Record<string, string | null>;

// Each outgoing function pairs a part with its own transport's module: `kind` is the part's `transport`.
const completeOf = <K extends TransportKind>(kind: K, p: ParsedOf<K>): SettingsOf<K> =>
  settingsOf(kind).complete(p);
const splitOf = <K extends TransportKind>(kind: K, s: SettingsOf<K>) => settingsOf(kind).split(s);
const attachOf = <K extends TransportKind>(
  kind: K,
  stored: StoredOf<K>,
  secret: (field: string) => SecretValue,
): SettingsOf<K> => settingsOf(kind).attach(stored, secret);
const usedOf = <K extends TransportKind>(kind: K, stored: StoredOf<K>): SecretUse[] =>
  settingsOf(kind).secretsUsed(stored);

/** The outgoing part with its computed defaults (the SMTP port from the security mode). */
export function completeOutgoing(part: OutgoingParsed): OutgoingSettings {
  return completeDkim(completeOf(part.transport, part));
}

/** The incoming part with its port filled from the security mode when the admin left it out (143/993, 110/995). */
export function completeIncoming(part: IncomingParsed): IncomingSettings {
  const table = part.protocol === 'imap' ? imapDefaultPorts : pop3DefaultPorts;
  return { ...part, port: part.port ?? table[part.security] };
}

/** Splits an outgoing part into what is stored in clear and the secrets the input carried. */
export function splitOutgoing(part: OutgoingSettings): { stored: OutgoingStored; secrets: PartSecrets } {
  const { stored, secrets } = splitOf(part.transport, part);
  // The DKIM key is common to every transport that signs: taken out here, around the transport's own split.
  return splitDkim(stored, secrets);
}

/** Splits an incoming part into what is stored in clear and the secrets the input carried. */
export function splitIncoming(part: IncomingSettings): { stored: IncomingStored; secrets: PartSecrets } {
  const { auth, ...rest } = part;
  const { stored, secrets } = splitAuth(auth);
  return { stored: { ...rest, auth: stored }, secrets };
}

/** A stored outgoing part with its secrets put back (`secret` answers a field's plaintext). */
export function attachOutgoing(
  stored: OutgoingStored,
  secret: (field: string) => SecretValue,
): OutgoingSettings {
  return attachDkim(attachOf(stored.transport, stored, secret), secret);
}

/** A stored incoming part with its secrets put back. */
export function attachIncoming(
  stored: IncomingStored,
  secret: (field: string) => SecretValue,
): IncomingSettings {
  return { ...stored, auth: attachAuth(stored.auth, secret) };
}

/** The secrets a stored part uses (fields relative to the part), and which of them it cannot work without. */
export function secretsUsed(part: OutgoingStored | IncomingStored): SecretUse[] {
  return 'transport' in part
    ? [...usedOf(part.transport, part), ...dkimSecretsUsed(part)]
    : authSecretsUsed(part.auth);
}

/**
 * A secret that never leaves this server (the DKIM key signs here): moving the connection does not
 * expose it, so it need not be typed again.
 */
export function secretStaysHere(field: string): boolean {
  return field === DKIM_KEY_FIELD || field === `outgoing.${DKIM_KEY_FIELD}`;
}

/**
 * Splits a parsed account document into what is stored in clear and the secrets it carries.
 * A secret that is `undefined` is absent from the changes (keep); `null` clears; a string replaces.
 */
export function splitSecrets(
  doc: {
    outgoing: OutgoingSettings | null;
    incoming: IncomingSettings | null;
  },
  /** The stored account on an update: what is derived from a kept secret (the DKIM record) goes on. */
  previous?: StoredParts,
): StoredParts & { changes: SecretChanges } {
  const changes: SecretChanges = {};
  const collect = (direction: Direction, secrets: PartSecrets) => {
    for (const [field, value] of Object.entries(secrets)) {
      if (value !== undefined) changes[`${direction}.${field}`] = value;
    }
  };
  let outgoing: OutgoingStored | null = null;
  let incoming: IncomingStored | null = null;
  if (doc.outgoing) {
    // `dkim.generateKey`: a new key, made once here where the account is saved.
    const split = splitOutgoing(withGeneratedDkimKey(doc.outgoing));
    const keyChanged = split.secrets[DKIM_KEY_FIELD] !== undefined;
    outgoing = keepDkimRecord(previous?.outgoing ?? null, split.stored, keyChanged);
    collect('outgoing', split.secrets);
  }
  if (doc.incoming) {
    const split = splitIncoming(doc.incoming);
    incoming = split.stored;
    collect('incoming', split.secrets);
  }
  return { outgoing, incoming, changes };
}

/** Applies secret changes to the stored ciphertext map, dropping secrets whose part or auth method went away. */
export function applySecretChanges(
  box: SecretBox,
  stored: Record<string, string>,
  changes: SecretChanges,
  parts: StoredParts,
): Record<string, string> {
  const next: Record<string, string> = { ...stored };
  for (const [path, value] of Object.entries(changes)) {
    if (value === null) delete next[path];
    else next[path] = box.encrypt(value);
  }
  for (const path of Object.keys(next)) if (!secretStillApplies(path, parts)) delete next[path];
  return next;
}

/** True when the stored parts still use the secret at `path` (`outgoing.apiKey`, `incoming.auth.password`). */
export function secretStillApplies(path: string, parts: StoredParts): boolean {
  const dot = path.indexOf('.');
  const direction = path.slice(0, dot);
  const field = path.slice(dot + 1);
  const part = direction === 'outgoing' ? parts.outgoing : direction === 'incoming' ? parts.incoming : null;
  return part !== null && secretsUsed(part).some((use) => use.field === field);
}

/** The stored settings of one direction with secrets decrypted: what a transport or a test connects with. */
export function resolvePart(
  box: SecretBox,
  row: Pick<AccountRow, 'outgoing' | 'incoming' | 'secrets'>,
  direction: 'outgoing',
): OutgoingSettings | null;
export function resolvePart(
  box: SecretBox,
  row: Pick<AccountRow, 'outgoing' | 'incoming' | 'secrets'>,
  direction: 'incoming',
): IncomingSettings | null;
export function resolvePart(
  box: SecretBox,
  row: Pick<AccountRow, 'outgoing' | 'incoming' | 'secrets'>,
  direction: Direction,
): OutgoingSettings | IncomingSettings | null;
export function resolvePart(
  box: SecretBox,
  row: Pick<AccountRow, 'outgoing' | 'incoming' | 'secrets'>,
  direction: Direction,
): OutgoingSettings | IncomingSettings | null {
  const secret = (field: string) => {
    const ct = row.secrets[`${direction}.${field}`];
    return ct === undefined ? undefined : box.decrypt(ct);
  };
  if (direction === 'outgoing') return row.outgoing ? attachOutgoing(row.outgoing, secret) : null;
  return row.incoming ? attachIncoming(row.incoming, secret) : null;
}

/** Every plaintext secret of an account, for redacting transcripts and errors. */
export function secretValues(box: SecretBox, row: Pick<AccountRow, 'secrets'>): string[] {
  return Object.values(row.secrets).map((ct) => box.decrypt(ct));
}

const viewOfKind = <K extends TransportKind>(
  kind: K,
  stored: StoredOf<K>,
  has: (field: string) => boolean,
  common: OutgoingViewCommon,
) => settingsOf(kind).toView(stored, has, common);

/** The API's view of an outgoing part: its transport's fields with `has*` flags in place of secrets. */
export function outgoingView(
  o: OutgoingStored,
  secrets: Record<string, string>,
  verifiedAt: Date | null,
): OutgoingView {
  const common = {
    from: o.from,
    ...(o.replyTo ? { replyTo: o.replyTo } : {}),
    fromFilter: o.fromFilter,
    sendMode: o.sendMode,
    // Accounts stored before the setting existed refuse, as they always did.
    fromNotAllowed: o.fromNotAllowed ?? 'refuse',
    rateLimitPerMinute: o.rateLimitPerMinute,
    ...(o.bounceAddress ? { bounceAddress: o.bounceAddress } : {}),
    verifiedAt: verifiedAt ? verifiedAt.toISOString() : null,
  };
  const dkim = dkimView(o, (field) => `outgoing.${field}` in secrets);
  if (dkim) Object.assign(common, { dkim });
  return viewOfKind(o.transport, o, (field) => `outgoing.${field}` in secrets, common);
}

/**
 * The API's view of an account: settings without secrets, `has*` flags in their place, and its real traffic
 * (health per direction, last send and fetch) as `health/traffic.ts` loaded it.
 */
export function toView(
  row: AccountRow,
  defaults: Array<{ teamId: string | null; direction: Direction }>,
  traffic: TrafficOf = noTraffic(row),
): AccountView {
  const i = row.incoming;
  const incoming: AccountView['incoming'] = i
    ? {
        protocol: i.protocol,
        host: i.host,
        port: i.port,
        security: i.security,
        allowInvalidCertificates: i.allowInvalidCertificates,
        auth: authView(i.auth, (field) => `incoming.${field}` in row.secrets),
        mailbox: i.mailbox,
        pollIntervalSec: i.pollIntervalSec,
        afterFetch: i.afterFetch,
        enabled: i.enabled,
        bounceMailbox: i.bounceMailbox ?? false,
      }
    : null;
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
    outgoing: row.outgoing ? outgoingView(row.outgoing, row.secrets, row.verifiedAt) : null,
    incoming,
    lastTest: row.lastTest as AccountView['lastTest'],
    sending: traffic.sending,
    fetching: traffic.fetching,
    defaults,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}
