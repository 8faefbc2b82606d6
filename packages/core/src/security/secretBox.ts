import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with a key id on every ciphertext so keys can rotate:
 * `mr1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). The newest key encrypts; any known key decrypts.
 */
export type SecretBox = {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  readonly currentKeyId: string;
  /**
   * Keys for one purpose (a VERP token's MAC …), derived from each configured key (HMAC-SHA256 of the
   * purpose): the current key's first, so a new value uses it and a value made before a rotation still reads.
   */
  derivedKeys(purpose: string): Buffer[];
};

export type KeyEntry = { id: string; key: Buffer };

const PREFIX = 'mr1';

export function createSecretBox(keys: KeyEntry[]): SecretBox {
  const current = keys[0];
  if (!current) throw new Error('createSecretBox needs at least one key');
  for (const k of keys) {
    if (k.key.length !== 32) throw new Error(`secret key ${k.id} must be 32 bytes`);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id))
      throw new Error('secret key ids are 1-32 characters of [A-Za-z0-9_-]');
  }
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    currentKeyId: current.id,
    derivedKeys(purpose) {
      return keys.map((k) => createHmac('sha256', k.key).update(`mailroom-derived:${purpose}`).digest());
    },
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(`${PREFIX}:${current.id}`));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        PREFIX,
        current.id,
        iv.toString('base64url'),
        tag.toString('base64url'),
        ct.toString('base64url'),
      ].join(':');
    },
    decrypt(ciphertext) {
      const parts = ciphertext.split(':');
      if (parts.length !== 5 || parts[0] !== PREFIX) throw new Error('not a Mailroom ciphertext');
      const [, keyId, iv, tag, ct] = parts as [string, string, string, string, string];
      const key = byId.get(keyId);
      if (!key)
        throw new Error(
          `no key with id ${keyId} is configured (rotate keys by listing old ones after the new one)`,
        );
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(`${PREFIX}:${keyId}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

/**
 * Parses MAILROOM_SECRET_KEY: `base64key` (id "k1") or `id:base64key,id2:base64key` (first one encrypts).
 */
export function parseKeySpec(spec: string): KeyEntry[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const idx = entry.indexOf(':');
      const id = idx > 0 ? entry.slice(0, idx) : `k${i + 1}`;
      const raw = idx > 0 ? entry.slice(idx + 1) : entry;
      const key = Buffer.from(raw, /^[0-9a-fA-F]{64}$/.test(raw) ? 'hex' : 'base64');
      if (key.length !== 32)
        throw new Error(`MAILROOM_SECRET_KEY entry ${id} must decode to 32 bytes (base64 or hex)`);
      return { id, key };
    });
}

export function generateKeySpec(id = 'k1'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
