import { Resolver } from 'node:dns/promises';
import { ConnectionFailure } from '../connection/failure';

export type DnsOptions = {
  /** Name servers (`host` or `host:port`, IPv6 as `[::1]:53`); the system's when empty. */
  servers?: readonly string[] | undefined;
  /** Bound on each lookup, retries included. */
  timeoutMs: number;
};

export type MxRecord = { exchange: string; priority: number };
export type SrvRecord = { name: string; port: number; priority: number; weight: number };

/** What the record lookups answer when a name has no record of the type: an empty list, not an error. */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

type RecordType = 'MX' | 'SRV' | 'TXT' | 'A' | 'AAAA';

function resolverFor(opts: DnsOptions): Resolver {
  // One try within the bound: a dead server must not stretch a lookup into the default 4 x 5 s.
  const r = new Resolver({ timeout: Math.max(100, opts.timeoutMs), tries: 1 });
  if (opts.servers && opts.servers.length > 0) r.setServers([...opts.servers]);
  return r;
}

/**
 * A raw lookup (`dns.resolve(name, type)` semantics, errors with their codes) bounded by the deadline: the
 * resolver mailauth is given, so its SPF, DKIM and DMARC lookups go through here too.
 */
export function rawDnsLookup(opts: DnsOptions): (name: string, type: string) => Promise<unknown> {
  return (name, type) => {
    const r = resolverFor(opts);
    return withDeadline(r.resolve(name, type), opts.timeoutMs, () => r.cancel(), name, type);
  };
}

/** Records of one type at a name; empty when the name or the type does not exist, a `dns` failure otherwise. */
async function lookupRecords<T>(name: string, type: RecordType, opts: DnsOptions): Promise<T[]> {
  try {
    return (await rawDnsLookup(opts)(name, type)) as T[];
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code && ABSENT.has(code)) return [];
    if (err instanceof ConnectionFailure) throw err;
    throw new ConnectionFailure(
      {
        code: 'dns',
        message: `The ${type} lookup for ${name} failed (${code ?? 'error'})`,
        hint: 'DNS is not answering right now; check the server has working DNS, then retry.',
      },
      { cause: err },
    );
  }
}

/** MX records of a domain, lowest preference first. */
export async function lookupMx(domain: string, opts: DnsOptions): Promise<MxRecord[]> {
  const found = await lookupRecords<MxRecord>(domain, 'MX', opts);
  return found
    .map((m) => ({ exchange: m.exchange.replace(/\.$/, '').toLowerCase(), priority: m.priority }))
    .sort((a, b) => a.priority - b.priority);
}

/** SRV records at a name (`_submission._tcp.example.org`), by priority then weight (highest first). */
export async function lookupSrv(name: string, opts: DnsOptions): Promise<SrvRecord[]> {
  const found = await lookupRecords<SrvRecord>(name, 'SRV', opts);
  return found
    .map((s) => ({ ...s, name: s.name.replace(/\.$/, '').toLowerCase() }))
    .sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}

/** TXT records at a name, each record's strings joined. */
export async function lookupTxt(name: string, opts: DnsOptions): Promise<string[]> {
  const found = await lookupRecords<string[]>(name, 'TXT', opts);
  return found.map((parts) => parts.join(''));
}

/** IPv4 then IPv6 addresses of a host (for the SPF check; nothing connects to them). */
export async function lookupAddresses(host: string, opts: DnsOptions): Promise<string[]> {
  const [v4, v6] = await Promise.all([
    lookupRecords<string>(host, 'A', opts),
    lookupRecords<string>(host, 'AAAA', opts).catch(() => [] as string[]),
  ]);
  return [...v4, ...v6];
}

function withDeadline<T>(
  p: Promise<T>,
  ms: number,
  cancel: () => void,
  name: string,
  type: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cancel();
      reject(
        new ConnectionFailure({
          code: 'dns',
          message: `The ${type} lookup for ${name} took longer than ${ms} ms`,
          hint: 'DNS is not answering; check the server has working DNS, then retry.',
        }),
      );
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
