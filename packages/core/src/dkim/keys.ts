import { createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync } from 'node:crypto';
import { promisify } from 'node:util';

export type DkimDnsRecord = {
  /** `<selector>._domainkey.<domain>` */
  name: string;
  type: 'TXT';
  /** `v=DKIM1; k=rsa; p=…`: the public key only, safe to show and copy. */
  value: string;
};

/** The TXT record a domain publishes for a DKIM private key (PEM, RSA or Ed25519): derived, never stored. */
export function dkimDnsRecord(input: {
  domain: string;
  selector: string;
  privateKey: string;
}): DkimDnsRecord {
  const key = createPrivateKey(input.privateKey);
  const type = key.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ed25519')
    throw new Error('the DKIM key must be an RSA or Ed25519 private key');
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  // Ed25519 keys publish the raw 32-byte key (RFC 8463), RSA keys the SubjectPublicKeyInfo.
  const p = (type === 'ed25519' ? der.subarray(der.length - 32) : der).toString('base64');
  return {
    name: `${input.selector}._domainkey.${input.domain.toLowerCase()}`,
    type: 'TXT',
    value: `v=DKIM1; k=${type === 'rsa' ? 'rsa' : 'ed25519'}; p=${p}`,
  };
}

/** A new 2048-bit RSA DKIM private key (PEM), what every receiver accepts. */
export function generateDkimKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * The same, made on libuv's thread pool: a 2048-bit key takes from a few hundred milliseconds to seconds
 * on a busy machine, which the event loop (every other request) should not wait for.
 */
export async function generateDkimKeyAsync(): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
