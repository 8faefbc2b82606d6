import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 5321 §4.5.3.1.1: a local part is at most 64 octets. */
export const MAX_LOCAL_PART = 64;
const TOKEN_CHARS = /^[A-Za-z0-9_=-]+$/;

function splitAddress(address: string): { local: string; domain: string } | null {
  const a = address.trim().replace(/^<|>$/g, '');
  const at = a.lastIndexOf('@');
  if (at <= 0 || at === a.length - 1) return null;
  return { local: a.slice(0, at), domain: a.slice(at + 1) };
}

/**
 * The VERP return path of a base address: `bounces@example.com` + token → `bounces+<token>@example.com`.
 * Throws when the base already carries a `+tag`, the token has characters outside `[A-Za-z0-9_=-]`,
 * or the local part would exceed 64 octets.
 */
export function verpAddress(base: string, token: string): string {
  const parts = splitAddress(base);
  if (!parts) throw new TypeError(`not an address: ${base}`);
  if (parts.local.includes('+')) throw new TypeError(`the base address already has a +tag: ${base}`);
  if (!TOKEN_CHARS.test(token)) throw new TypeError('a VERP token is letters, digits, _ = and - only');
  const local = `${parts.local}+${token}`;
  if (Buffer.byteLength(local) > MAX_LOCAL_PART)
    throw new RangeError(
      `the VERP local part is ${Buffer.byteLength(local)} octets, at most ${MAX_LOCAL_PART}`,
    );
  return `${local}@${parts.domain}`;
}

/**
 * Splits a VERP address into its base and token. With `base`, only an address of that base counts
 * (local part and domain compared case-insensitively: servers on the way may change the case).
 */
export function parseVerp(address: string, base?: string): { base: string; token: string } | null {
  const parts = splitAddress(address);
  if (!parts) return null;
  const plus = parts.local.indexOf('+');
  if (plus <= 0) return null;
  const token = parts.local.slice(plus + 1);
  if (!token || !TOKEN_CHARS.test(token) || Buffer.byteLength(parts.local) > MAX_LOCAL_PART) return null;
  const found = `${parts.local.slice(0, plus)}@${parts.domain}`;
  if (base !== undefined) {
    const want = splitAddress(base);
    if (!want || want.local.toLowerCase() !== parts.local.slice(0, plus).toLowerCase()) return null;
    if (want.domain.toLowerCase() !== parts.domain.toLowerCase()) return null;
    return { base: `${want.local}@${want.domain}`, token };
  }
  return { base: found, token };
}

// RFC 4648 base32, lower case, no padding: survives servers that change the case of a local part.
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text) {
    const v = B32.indexOf(c);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_B32 = 26; // 16 bytes → 26 base32 characters
const MAC_CHARS = 13; // 65 bits of HMAC-SHA256
const MAX_INDEX = 32 ** 3 - 1;

export type VerpTokenKey = string | Buffer;
export type VerpTarget = { messageId: string; recipientIndex: number };

function mac(key: VerpTokenKey, target: VerpTarget): string {
  const h = createHmac('sha256', key)
    .update(`mailroom-verp-v1:${target.messageId}:${target.recipientIndex}`)
    .digest();
  return base32(h.subarray(0, 9)).slice(0, MAC_CHARS);
}

/**
 * A VERP token naming one recipient of one message: base32(message UUID) + recipient index (base32)
 * + '-' + 13 base32 characters of HMAC-SHA256(key). At most 43 characters, lower case only.
 * The MAC binds message and index together, so a token cannot be edited into another message's.
 */
export function createVerpToken(target: VerpTarget, key: VerpTokenKey): string {
  const id = target.messageId.toLowerCase();
  if (!UUID.test(id)) throw new TypeError('messageId must be a UUID');
  if (
    !Number.isInteger(target.recipientIndex) ||
    target.recipientIndex < 0 ||
    target.recipientIndex > MAX_INDEX
  )
    throw new RangeError(`recipientIndex must be an integer 0…${MAX_INDEX}`);
  const head = base32(Buffer.from(id.replaceAll('-', ''), 'hex')) + target.recipientIndex.toString(32);
  return `${head}-${mac(key, { messageId: id, recipientIndex: target.recipientIndex })}`;
}

/** Reads a token made by `createVerpToken`; null when malformed or when its MAC does not match `key`. */
export function readVerpToken(token: string, key: VerpTokenKey): VerpTarget | null {
  const t = token.toLowerCase();
  const dash = t.indexOf('-');
  if (dash < UUID_B32 + 1 || dash > UUID_B32 + 3 || t.length !== dash + 1 + MAC_CHARS) return null;
  const bytes = unbase32(t.slice(0, UUID_B32));
  const indexText = t.slice(UUID_B32, dash);
  if (bytes?.length !== 16 || !/^[0-9a-v]+$/.test(indexText)) return null;
  if (indexText.length > 1 && indexText.startsWith('0')) return null; // one spelling per index
  const hex = bytes.toString('hex');
  const messageId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const target = { messageId, recipientIndex: Number.parseInt(indexText, 32) };
  if (base32(Buffer.from(hex, 'hex')) !== t.slice(0, UUID_B32)) return null; // non-canonical trailing bits
  const expected = Buffer.from(mac(key, target));
  const got = Buffer.from(t.slice(dash + 1));
  return expected.length === got.length && timingSafeEqual(expected, got) ? target : null;
}
