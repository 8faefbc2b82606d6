import { isIPv4, isIPv6 } from 'node:net';

/** Why an address may not be reached from a server: the ranges SSRF protection refuses. */
export type BlockReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'metadata'
  | 'multicast'
  | 'reserved'
  | 'documentation';

type Range = { bytes: number[]; bits: number; reason: BlockReason };

const v4 = (a: number, b: number, c: number, d: number, bits: number, reason: BlockReason): Range => ({
  bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d],
  bits: 96 + bits,
  reason,
});

// Order matters: the first match names the reason (metadata before link-local).
const RANGES: Range[] = [
  v4(169, 254, 169, 254, 32, 'metadata'),
  v4(0, 0, 0, 0, 8, 'unspecified'),
  v4(10, 0, 0, 0, 8, 'private'),
  v4(100, 64, 0, 0, 10, 'cgnat'),
  v4(127, 0, 0, 0, 8, 'loopback'),
  v4(169, 254, 0, 0, 16, 'link-local'),
  v4(172, 16, 0, 0, 12, 'private'),
  v4(192, 0, 0, 0, 24, 'reserved'),
  v4(192, 0, 2, 0, 24, 'documentation'),
  v4(192, 168, 0, 0, 16, 'private'),
  v4(198, 18, 0, 0, 15, 'reserved'),
  v4(198, 51, 100, 0, 24, 'documentation'),
  v4(203, 0, 113, 0, 24, 'documentation'),
  v4(224, 0, 0, 0, 4, 'multicast'),
  v4(240, 0, 0, 0, 4, 'reserved'),
  { bytes: [0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54], bits: 128, reason: 'metadata' },
  { bytes: new Array(16).fill(0), bits: 128, reason: 'unspecified' },
  { bytes: [...new Array(15).fill(0), 1], bits: 128, reason: 'loopback' },
  { bytes: [0xfe, 0x80, ...new Array(14).fill(0)], bits: 10, reason: 'link-local' },
  { bytes: [0xfc, ...new Array(15).fill(0)], bits: 7, reason: 'private' },
  { bytes: [0xff, ...new Array(15).fill(0)], bits: 8, reason: 'multicast' },
  { bytes: [0x20, 0x01, 0x0d, 0xb8, ...new Array(12).fill(0)], bits: 32, reason: 'documentation' },
  // IPv4-compatible (deprecated) and NAT64 forms are checked through their embedded IPv4 below.
];

function v4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Parses an IPv4 or IPv6 address (with :: and embedded dotted IPv4) into 16 bytes, IPv4 as ::ffff:a.b.c.d. */
export function toBytes(address: string): number[] | null {
  let ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(ip)) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4Bytes(ip)];
  if (!isIPv6(ip)) return null;
  const lastColon = ip.lastIndexOf(':');
  const tail = ip.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = v4Bytes(tail);
    ip = `${ip.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left = '', right] = ip.split('::');
  const parse = (s: string) => (s ? s.split(':') : []);
  const l = parse(left);
  const r = right === undefined ? [] : parse(right);
  const groups = right === undefined ? l : [...l, ...new Array(8 - l.length - r.length).fill('0'), ...r];
  if (groups.length !== 8) return null;
  return groups.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [(n >> 8) & 0xff, n & 0xff];
  });
}

function inRange(bytes: number[], range: Range): boolean {
  let bits = range.bits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((range.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** The reason an address must not be reached, or null for a public address. Unparseable input counts as reserved. */
export function blockReason(address: string): BlockReason | null {
  const bytes = toBytes(address);
  if (!bytes) return 'reserved';
  const embedded = embeddedV4(bytes);
  const check = embedded ?? bytes;
  for (const range of RANGES) if (inRange(check, range)) return range.reason;
  return null;
}

/** IPv4 carried inside IPv6 (NAT64 64:ff9b::/96, IPv4-compatible ::a.b.c.d) is judged as that IPv4 address. */
function embeddedV4(b: number[]): number[] | null {
  const v4part = b.slice(12);
  const nat64 =
    b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0);
  const compat =
    b.slice(0, 12).every((x) => x === 0) && !(v4part[0] === 0 && v4part[1] === 0 && v4part[2] === 0);
  if (nat64 || compat) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4part];
  return null;
}

/** `localhost` or a loopback address (127.0.0.0/8, ::1): where plain-text HTTP stays on this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  return toBytes(h) !== null && blockReason(h) === 'loopback';
}
