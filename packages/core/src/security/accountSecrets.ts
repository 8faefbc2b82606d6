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

const known = new WeakMap<Row, { box: SecretBox; set: SecretSet }>();

/**
 * Every secret of an account in every form it travels in: what replies, errors, attempts, transcripts and
 * log rows about the account are redacted of. Built once per loaded row (the outbox hands one row object to
 * every message of a batch) and shared, so it is frozen: an operation that learns more takes a `copy()`.
 */
export function accountSecrets(box: SecretBox, row: Row): SecretSet {
  const hit = known.get(row);
  if (hit && hit.box === box) return hit.set;
  // Every stored secret, whatever its path: a secret field added later is masked before anyone thinks of it.
  const set = new SecretSet(secretValues(box, row));
  for (const direction of ['outgoing', 'incoming'] as const) {
    const part = resolvePart(box, row, direction);
    if (part) addPartSecrets(set, part);
  }
  set.freeze();
  known.set(row, { box, set });
  return set;
}
