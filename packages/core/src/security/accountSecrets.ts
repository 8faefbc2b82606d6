import { resolvePart, secretValues } from '../accounts/codec';
import type { AccountRow } from '../accounts/types';
import type { IncomingSettings, IncomingStored, OutgoingSettings, OutgoingStored } from '../schemas/account';
import { transportOf } from '../transports/registry';
import { addAuthSecrets } from './authSecrets';
import { SecretSet } from './redact';
import type { SecretBox } from './secretBox';

type Row = Pick<AccountRow, 'outgoing' | 'incoming' | 'secrets'>;

/**
 * Adds what one part of an account (as it connects: secrets decrypted) sends over the wire: an outgoing
 * part's forms come from its transport (the SMTP password with its SASL PLAIN strings, the Mailgun key with
 * its Basic `api:<key>` pair …); an incoming part's from its sign-in.
 */
export function addPartSecrets(set: SecretSet, part: OutgoingSettings | IncomingSettings): void {
  if ('transport' in part) transportOf(part.transport).wireSecrets(set, part);
  else addAuthSecrets(set, part.auth);
}

/** Sets by row object (the worker's batches share one), then by content (a row loaded per request). */
const byRow = new WeakMap<Row, { box: SecretBox; set: SecretSet }>();
/** Per secret box, so the cache lives as long as the context that holds the box. Bounded: least recent go. */
const byContent = new WeakMap<SecretBox, Map<string, SecretSet>>();
const MAX_CACHED = 1000;

/**
 * Every secret of an account in every form it travels in: what replies, errors, attempts, transcripts and
 * log rows about the account are redacted of. Built once per account version and shared by its sends (a
 * queued send handed to the worker brings a row of its own: decrypting and compiling per message would
 * cost more than the send's bookkeeping), so it is frozen: an operation that learns more takes a `copy()`.
 */
export function accountSecrets(box: SecretBox, row: Row): SecretSet {
  const hit = byRow.get(row);
  if (hit && hit.box === box) return hit.set;
  // The ciphertexts change with every secret, the auth parts with every username the forms are built on.
  const key = JSON.stringify([row.secrets, authOf(row.outgoing), authOf(row.incoming)]);
  let cache = byContent.get(box);
  if (!cache) {
    cache = new Map();
    byContent.set(box, cache);
  }
  let set = cache.get(key);
  if (set) {
    cache.delete(key);
  } else {
    set = build(box, row);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, set);
  byRow.set(row, { box, set });
  return set;
}

/** What the wire forms of a part's secrets are built from besides the secrets: its sign-in and transport. */
function authOf(part: OutgoingStored | IncomingStored | null): unknown {
  if (!part) return null;
  return ['auth' in part ? part.auth : null, 'transport' in part ? part.transport : null];
}

function build(box: SecretBox, row: Row): SecretSet {
  // Every stored secret, whatever its path: a secret field added later is masked before anyone thinks of it.
  const set = new SecretSet(secretValues(box, row));
  for (const direction of ['outgoing', 'incoming'] as const) {
    const part = resolvePart(box, row, direction);
    if (part) addPartSecrets(set, part);
  }
  return set.freeze();
}
