// mailauth resolves names itself unless it is given a resolver: it is used only here, always with the
// door's bounded resolver (dns.ts), so its SPF, DKIM and DMARC lookups go where the door's go.
import { createRequire } from 'node:module';
import { type DnsOptions, rawDnsLookup } from './dns';

const require = createRequire(import.meta.url);
// The submodules, not mailauth's index: the index also loads BIMI, which brings an HTTP client (undici)
// that needs a newer Node and is a way out the door does not guard.
const { spf } = require('mailauth/lib/spf') as typeof import('mailauth/lib/spf');
const { dkimVerify } = require('mailauth/lib/dkim/verify') as {
  dkimVerify: (
    input: Buffer,
    opts: { resolver: unknown },
  ) => Promise<{
    results: Array<{ signingDomain?: string; selector?: string; status?: { result?: string } }>;
  }>;
};
type DmarcRecord = { v?: string; p?: string; sp?: string; pct?: number; rua?: string; rr?: string };
const getDmarcRecord = require('mailauth/lib/dmarc/get-dmarc-record') as (
  domain: string,
  resolver: (name: string, type: string) => Promise<unknown>,
) => Promise<false | DmarcRecord>;

export type SpfOutcome = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';

/** RFC 7208 evaluation of `sender`'s SPF record for a client IP. */
export async function evaluateSpf(
  input: { sender: string; ip: string; helo?: string },
  dns: DnsOptions,
): Promise<{ result: SpfOutcome; comment: string }> {
  const r = await spf({
    sender: input.sender,
    ip: input.ip,
    helo: input.helo ?? 'mailroom.invalid',
    mta: 'mailroom',
    resolver: rawDnsLookup(dns) as never,
    maxResolveCount: 10,
  });
  return { result: r.status.result as SpfOutcome, comment: r.status.comment ?? '' };
}

/** The DMARC record that applies to a domain (its own, or its organisational domain's), or null. */
export async function findDmarcRecord(
  domain: string,
  dns: DnsOptions,
): Promise<(DmarcRecord & { recordDomain?: string; isOrgRecord?: boolean }) | null> {
  const r = await getDmarcRecord(domain, rawDnsLookup(dns));
  return r || null;
}

/** Verifies a raw message's DKIM signatures, keys looked up through the door (or `resolver`, in tests). */
export async function verifyDkim(
  raw: string | Buffer,
  dns: DnsOptions,
): Promise<Array<{ domain: string; selector: string; result: string }>> {
  const r = await dkimVerify(typeof raw === 'string' ? Buffer.from(raw) : raw, {
    resolver: rawDnsLookup(dns) as never,
  });
  return r.results.map((x) => ({
    domain: x.signingDomain ?? '',
    selector: x.selector ?? '',
    result: x.status?.result ?? 'none',
  }));
}
