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
  // Cloud metadata and credential endpoints, refused even where private hosts are allowed: AWS's instance
  // metadata, resolver and time (169.254.169.0/24, also GCP, Azure, OCI, OpenStack), ECS task credentials
  // and the EKS Pod Identity agent (169.254.170.0/24), Alibaba Cloud's metadata, and the Azure WireServer,
  // a public address only Azure's own machines reach. No mail server lives at any of them.
  v4(169, 254, 169, 0, 24, 'metadata'),
  v4(169, 254, 170, 0, 24, 'metadata'),
  v4(100, 100, 100, 200, 32, 'metadata'),
  v4(168, 63, 129, 16, 32, 'metadata'),
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
  // The deprecated 6to4 relay anycast block (RFC 7526): a relay, never a mail server.
  v4(192, 88, 99, 0, 24, 'reserved'),
  v4(224, 0, 0, 0, 4, 'multicast'),
  v4(240, 0, 0, 0, 4, 'reserved'),
  // AWS's IPv6 metadata, resolver, time and EKS Pod Identity addresses (fd00:ec2::254, ::253, ::123, ::23).
  v6([0xfd, 0, 0x0e, 0xc2], 64, 'metadata'),
  { bytes: new Array(16).fill(0), bits: 128, reason: 'unspecified' },
  { bytes: [...new Array(15).fill(0), 1], bits: 128, reason: 'loopback' },
  v6([0xfe, 0x80], 10, 'link-local'),
  // Site-local: deprecated, still routed inside some networks as their own.
  v6([0xfe, 0xc0], 10, 'private'),
  v6([0xfc], 7, 'private'),
  v6([0xff], 8, 'multicast'),
  v6([0x20, 0x01, 0x0d, 0xb8], 32, 'documentation'),
  v6([0x3f, 0xff], 20, 'documentation'),
  // Teredo: a tunnel endpoint whose client address is an obfuscated IPv4 address; never a mail server.
  v6([0x20, 0x01, 0, 0], 32, 'reserved'),
  // Benchmarking, ORCHID and ORCHIDv2: not routed on the internet.
  v6([0x20, 0x01, 0, 0x02, 0, 0], 48, 'reserved'),
  v6([0x20, 0x01, 0, 0x10], 28, 'reserved'),
  v6([0x20, 0x01, 0, 0x20], 28, 'reserved'),
  // Local-use NAT64 (RFC 8215) outside the /96 form read below: where a gateway puts the IPv4 address
  // depends on its prefix length, so it cannot be judged.
  v6([0, 0x64, 0xff, 0x9b, 0, 0x01], 48, 'reserved'),
  // IPv4 carried inside IPv6 (mapped, compatible, SIIT, NAT64, 6to4) is judged as that IPv4 address (ipv4Of);
  // any other IPv6 address outside global unicast (2000::/3) is reserved (blockReason).
];

function v6(prefix: number[], bits: number, reason: BlockReason): Range {
  return { bytes: [...prefix, ...new Array(16 - prefix.length).fill(0)], bits, reason };
}

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

/**
 * The reason an address must not be reached, or null for a public address. Unparseable input counts as
 * reserved. IPv6 is public only inside global unicast (2000::/3) and outside the ranges above: an address
 * nobody routes today (::2, 100::1, 4000::1) is refused rather than trusted to stay unrouted.
 */
export function blockReason(address: string): BlockReason | null {
  const bytes = toBytes(address);
  if (!bytes) return 'reserved';
  const v4 = ipv4Of(bytes);
  const check = v4 ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4] : bytes;
  for (const range of RANGES) if (inRange(check, range)) return range.reason;
  if (!v4 && ((bytes[0] ?? 0) & 0xe0) !== 0x20) return 'reserved';
  return null;
}

const zero = (b: number[], from: number, to: number) => b.slice(from, to).every((x) => x === 0);

/**
 * The IPv4 address an IPv6 address carries, judged in its place: a NAT64 gateway, a 6to4 tunnel or a SIIT
 * translator on the server's network turns the IPv6 address into it. IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d, deprecated), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96 and a /96
 * of the local-use 64:ff9b:1::/48) and 6to4 (2002:AABB:CCDD::/48).
 */
function ipv4Of(b: number[]): number[] | null {
  const last = b.slice(12);
  const mapped = zero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff;
  // ::a.b.c.d, but not :: and ::1 (their own ranges), nor ::0.0.0.x (reserved as IPv6).
  const compatible = zero(b, 0, 12) && !zero(b, 12, 15);
  const translated = zero(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && zero(b, 10, 12);
  const nat64 = b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b;
  const wellKnown = nat64 && zero(b, 4, 12);
  const localUse = nat64 && b[4] === 0 && b[5] === 0x01 && zero(b, 6, 12);
  if (mapped || compatible || translated || wellKnown || localUse) return last;
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6);
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
