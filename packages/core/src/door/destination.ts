import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ConnectionFailure } from '../connection/failure';
import { defaultHints } from '../connection/hints';
import { type BlockReason, blockReason } from './ranges';

export type CheckedAddress = { address: string; family: 4 | 6 };

export type Destination = {
  /** The name the admin typed: used for TLS SNI and the certificate check. */
  hostname: string;
  /** Every address the name resolved to, each checked; connect only to these. */
  addresses: CheckedAddress[];
};

export type GuardOptions = {
  allowPrivateHosts: boolean;
  /** Bound on the DNS lookup. */
  timeoutMs: number;
};

/**
 * Resolves a host once and checks every address against private, loopback, link-local, CGNAT, metadata,
 * unspecified and reserved ranges (IPv4, IPv6, IPv4 inside IPv6). Connect to the returned addresses, never
 * to the name again, so a second DNS answer cannot point elsewhere. Metadata endpoints stay refused even
 * when private hosts are allowed: no mail server lives there.
 */
export async function resolveDestination(host: string, opts: GuardOptions): Promise<Destination> {
  const hostname = host.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  let addresses: CheckedAddress[];
  const family = isIP(hostname);
  if (family) {
    addresses = [{ address: hostname, family: family as 4 | 6 }];
  } else {
    addresses = await withTimeout(lookupAll(hostname), opts.timeoutMs, hostname);
  }
  if (addresses.length === 0) throw dnsFailure(hostname);
  for (const a of addresses) assertAllowed(hostname, a.address, opts.allowPrivateHosts);
  // IPv4 first: mail servers (and our test peers) listen on IPv4 more often than on IPv6.
  addresses.sort((a, b) => a.family - b.family);
  return { hostname, addresses };
}

/** Throws `blocked` when an address lies in a refused range. */
export function assertAllowed(hostname: string, address: string, allowPrivateHosts: boolean): void {
  const reason = blockReason(address);
  if (!reason) return;
  if (allowPrivateHosts && reason !== 'metadata') return;
  throw new ConnectionFailure({
    code: 'blocked',
    // A name's address is not shown: whoever may test settings (a team admin) would otherwise read the
    // internal network's DNS through the refusals. The kind of address is enough to act on.
    message: isIP(hostname)
      ? `${hostname} is a ${describe(reason)} address, which Mailroom does not connect to`
      : `${hostname} resolves to a ${describe(reason)} address, which Mailroom does not connect to`,
    hint:
      reason === 'metadata'
        ? 'Cloud metadata endpoints are never reachable from Mailroom.'
        : defaultHints.blocked,
  });
}

function describe(reason: BlockReason): string {
  return reason === 'cgnat' ? 'carrier-grade NAT' : reason;
}

async function lookupAll(hostname: string): Promise<CheckedAddress[]> {
  try {
    const found = await lookup(hostname, { all: true, verbatim: true });
    return found.map((f) => ({ address: f.address, family: f.family === 6 ? 6 : 4 }));
  } catch (err) {
    throw dnsFailure(hostname, err);
  }
}

function dnsFailure(hostname: string, cause?: unknown): ConnectionFailure {
  const code = (cause as { code?: string } | undefined)?.code;
  const temporary = code === 'EAI_AGAIN';
  return new ConnectionFailure(
    {
      code: 'dns',
      message: temporary
        ? `The name server did not answer for ${hostname}`
        : `The host name ${hostname} does not exist`,
      hint: temporary
        ? 'DNS is not answering right now; check the server has working DNS, then retry.'
        : defaultHints.dns,
    },
    { cause },
  );
}

function withTimeout<T>(p: Promise<T>, ms: number, hostname: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ConnectionFailure({
            code: 'dns',
            message: `Resolving ${hostname} took longer than ${ms} ms`,
            hint: 'DNS is not answering; check the server has working DNS, then retry.',
          }),
        ),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
