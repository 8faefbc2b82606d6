import { resolvePart, secretValues } from '../accounts/codec';
import type { AccountRow } from '../accounts/types';
import type { IncomingParsed, OutgoingParsed } from '../schemas/account';
import { SecretSet } from './redact';
import type { SecretBox } from './secretBox';

type Row = Pick<AccountRow, 'outgoing' | 'incoming' | 'secrets'>;

/**
 * Adds what one part of an account (as it connects: secrets decrypted) sends over the wire: the password
 * with its SASL PLAIN strings, the Mailgun key with its Basic `api:<key>` pair, the OAuth2 client secret
 * (also as `client_id:client_secret`, the endpoint's Basic form) and refresh token.
 */
export function addPartSecrets(set: SecretSet, part: OutgoingParsed | IncomingParsed): void {
  if ('transport' in part && part.transport === 'mailgun') {
    if (part.apiKey) set.addBasic('api', part.apiKey);
    return;
  }
  const auth = 'auth' in part ? part.auth : undefined;
  if (!auth || auth.method === 'none') return;
  if (auth.method === 'password') {
    if (auth.password) set.addLogin(auth.username, auth.password);
    return;
  }
  if (auth.clientSecret) set.addBasic(auth.clientId, auth.clientSecret);
  set.add(auth.refreshToken);
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

function authOf(part: unknown): unknown {
  return part && typeof part === 'object'
    ? [(part as { auth?: unknown }).auth, (part as { transport?: unknown }).transport]
    : null;
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
