import { Webhook } from 'standardwebhooks';
import type { SecretBox } from '../security/secretBox';
import type { EndpointRow } from './view';

/** What signs and where to post for one endpoint, with its secrets decrypted once (never shown, never logged). */
export type EndpointSigner = {
  id: string;
  url: string;
  /** The plaintext secrets, for redacting a receiver that echoes them. */
  secrets: string[];
  /** `webhook-signature`: `v1,<sig>` for the current secret, and the previous one's during the overlap. */
  sign(eventId: string, at: Date, body: string): string;
};

/** Builds the signer of an endpoint (Standard Webhooks `Webhook#sign`, HMAC-SHA256 of `id.timestamp.body`). */
export function endpointSigner(row: EndpointRow, box: SecretBox, now: Date): EndpointSigner {
  const current = box.decrypt(row.secret);
  const previous =
    row.previousSecret && row.previousSecretUntil && row.previousSecretUntil > now
      ? box.decrypt(row.previousSecret)
      : null;
  const signers = [new Webhook(current), ...(previous ? [new Webhook(previous)] : [])];
  const until = previous ? row.previousSecretUntil : null;
  return {
    id: row.id,
    url: row.url,
    // The key is the base64 after `whsec_`: a receiver may echo either form.
    secrets: (previous ? [current, previous] : [current]).flatMap((x) => [x, x.replace(/^whsec_/, '')]),
    sign(eventId, at, body) {
      // The old secret signs only until the overlap ends, even while this signer is cached.
      const active = until && at >= until ? signers.slice(0, 1) : signers;
      return active.map((s) => s.sign(eventId, at, body)).join(' ');
    },
  };
}
