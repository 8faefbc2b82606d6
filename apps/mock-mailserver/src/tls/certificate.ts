import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

// A self-signed certificate built with node:crypto alone: an EC P-256 key (generated in
// about a millisecond, unlike RSA) and a minimal X.509 v3 DER encoder. This keeps the
// package free of a certificate library and of a spawned `openssl`, so it starts the same
// everywhere Node runs.

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...content: Buffer[]) => tlv(0x30, ...content);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(iso.slice(2) + 'Z', 'ascii'))
    : tlv(0x18, Buffer.from(iso + 'Z', 'ascii'));
}

function commonName(cn: string): Buffer {
  return sequence(tlv(0x31, sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // Expand an IPv6 address (with at most one "::") into 16 bytes.
  const [head = '', tail] = ip.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const groups = [...headParts, ...Array(8 - headParts.length - tailParts.length).fill('0'), ...tailParts];
  return Buffer.from(groups.flatMap((g) => [(parseInt(g, 16) >> 8) & 0xff, parseInt(g, 16) & 0xff]));
}

export interface SelfSignedCertificate {
  key: string;
  cert: string;
}

/** Generates a self-signed certificate for `commonName` valid for the given host names and IP addresses. */
export function generateSelfSignedCertificate(
  options: { commonName?: string; altNames?: string[]; days?: number } = {},
): SelfSignedCertificate {
  const cn = options.commonName ?? 'mock-mailserver';
  const altNames = options.altNames ?? ['localhost', '127.0.0.1', '::1'];
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const notBefore = new Date(Date.now() - 24 * 3600_000);
  const notAfter = new Date(Date.now() + (options.days ?? 825) * 24 * 3600_000);
  const serial = randomBytes(16);
  // Positive and without a leading zero byte: DER rejects a non-minimal integer ("illegal padding").
  serial[0] = (serial[0]! & 0x7f) | 0x40;

  const san = sequence(
    ...altNames.map((name) =>
      isIP(name) ? tlv(0x87, ipBytes(name)) : tlv(0x82, Buffer.from(name, 'ascii')),
    ),
  );
  const extensions = tlv(
    0xa3,
    sequence(
      sequence(oid('2.5.29.19'), tlv(0x04, sequence())), // basicConstraints: not a CA
      sequence(oid('2.5.29.17'), tlv(0x04, san)), // subjectAltName
    ),
  );

  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version v3
    tlv(0x02, serial),
    ecdsaWithSha256,
    commonName(cn),
    sequence(time(notBefore), time(notAfter)),
    commonName(cn),
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = sequence(tbs, ecdsaWithSha256, tlv(0x03, Buffer.from([0]), signature));

  const base64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`,
  };
}
