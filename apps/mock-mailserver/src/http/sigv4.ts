import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// Verifies AWS Signature Version 4 the way AWS does: rebuild the canonical request from what
// arrived (only the headers the client listed as signed), hash it into the string to sign,
// derive the key from the secret, date, region and service, and compare the HMAC. Written
// out here (not delegated to a signing library) so the mock checks exactly what the client
// signed, whatever headers its HTTP stack adds unsigned.

/** How far `x-amz-date` may be from the mock's clock, as on AWS. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

export interface SigV4Request {
  method: string;
  /** The request target as received: path and query, still percent-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Headers with every value of a repeated header (`req.headersDistinct`). */
  headersDistinct: Record<string, string[] | undefined>;
  body: Buffer;
}

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Who signed, as far as the Authorization header says. */
export interface SigV4Identity {
  accessKeyId: string;
  region: string;
}

/** Why a request is refused: the HTTP status and the SES error name and message. */
export class SigV4Error extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface ParsedAuthorization extends SigV4Identity {
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const incomplete = (message: string) => new SigV4Error(400, 'IncompleteSignatureException', message);
const mismatch = (message: string) => new SigV4Error(403, 'SignatureDoesNotMatch', message);

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** RFC 3986 encoding: encodeURIComponent plus the reserved characters it leaves alone. */
const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The parts of an `AWS4-HMAC-SHA256` Authorization header; throws SigV4Error when malformed. */
export function parseAuthorization(header: string): ParsedAuthorization {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim());
  if (!match) throw incomplete("Authorization header must use the 'AWS4-HMAC-SHA256' algorithm.");
  const fields = new Map<string, string>();
  for (const part of match[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!fields.get(name)) throw incomplete(`Authorization header requires '${name}' parameter.`);
  }
  const scope = fields.get('Credential')!.split('/');
  // The access key id may not contain a slash, so the scope is the last four parts.
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !/^\d{8}$/.test(scope[1]!) || !scope[2]) {
    throw incomplete(
      "Credential must have the form '<access key id>/<yyyyMMdd>/<region>/<service>/aws4_request'.",
    );
  }
  const signature = fields.get('Signature')!;
  if (!/^[0-9a-f]{64}$/.test(signature)) throw incomplete('Signature must be 64 lower-case hex digits.');
  return {
    accessKeyId: scope[0]!,
    date: scope[1]!,
    region: scope[2]!,
    service: scope[3]!,
    signedHeaders: fields.get('SignedHeaders')!.split(';'),
    signature,
  };
}

/** The identity an Authorization header claims, without checking it; null when there is none to read. */
export function claimedIdentity(header: string | undefined): SigV4Identity | null {
  if (!header) return null;
  try {
    const { accessKeyId, region } = parseAuthorization(header);
    return { accessKeyId, region };
  } catch {
    return null;
  }
}

/** Path segments normalised (`.`/`..`/empty dropped) and encoded once more, as SigV4 wants for every service but S3. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(encode(segment));
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

function canonicalQuery(query: string): string {
  const pairs = [...new URLSearchParams(query)].map(([k, v]) => [encode(k), encode(v)] as const);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** `yyyyMMdd'T'HHmmss'Z'` as milliseconds, or NaN. */
function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * Checks the request's SigV4 signature for `service` against the given key pair and returns
 * who signed; throws SigV4Error with the status, error name and message AWS would answer.
 */
export function verifySigV4(
  request: SigV4Request,
  credentials: SigV4Credentials,
  options: { service: string; now: number },
): SigV4Identity {
  const header = request.headers.authorization;
  if (!header)
    throw new SigV4Error(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  const auth = parseAuthorization(header);
  if (auth.accessKeyId !== credentials.accessKeyId) {
    throw new SigV4Error(
      403,
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
    );
  }
  if (auth.service !== options.service) {
    throw mismatch(`Credential should be scoped to correct service: '${options.service}'.`);
  }
  if (!auth.signedHeaders.includes('host')) {
    throw incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const amzDate = request.headers['x-amz-date'];
  if (typeof amzDate !== 'string') {
    throw incomplete("Authorization header requires existence of a 'X-Amz-Date' header.");
  }
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt)) throw incomplete("X-Amz-Date must have the form yyyyMMdd'T'HHmmss'Z'.");
  if (auth.date !== amzDate.slice(0, 8)) {
    throw mismatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (Math.abs(options.now - signedAt) > MAX_CLOCK_SKEW_MS) {
    const now = new Date(options.now).toISOString().replace(/[:-]|\.\d{3}/g, '');
    throw mismatch(
      signedAt < options.now
        ? `Signature expired: ${amzDate} is now earlier than 15 minutes before ${now}.`
        : `Signature not yet current: ${amzDate} is still later than 15 minutes after ${now}.`,
    );
  }

  const payloadHash = sha256(request.body);
  const declared = request.headers['x-amz-content-sha256'];
  if (typeof declared === 'string' && declared !== payloadHash) {
    throw mismatch('The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const q = request.url.indexOf('?');
  const path = q === -1 ? request.url : request.url.slice(0, q);
  const query = q === -1 ? '' : request.url.slice(q + 1);
  const canonicalHeaders = auth.signedHeaders
    .map((name) => {
      const values = request.headersDistinct[name] ?? [];
      return `${name}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
    })
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalPath(path),
    canonicalQuery(query),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, auth.date);
  for (const part of [auth.region, auth.service, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
  if (!timingSafeEqual(expected, Buffer.from(auth.signature, 'hex'))) {
    throw mismatch(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { accessKeyId: auth.accessKeyId, region: auth.region };
}
