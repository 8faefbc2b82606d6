import { type DnsOptions, lookupMx } from '../door';
import type { Catalog } from '../providers/lookup';
import { proposalFromProvider } from './fromProvider';
import type { Proposal } from './schema';

/** The domain's MX hosts, matched against the catalogue's MX suffixes (Workspace, Microsoft 365 tenants). */
export async function fromMx(
  domain: string,
  email: string,
  catalog: Catalog,
  dns: DnsOptions,
): Promise<{ proposal: Proposal | null; detail: string }> {
  const mx = await lookupMx(domain, dns);
  if (mx.length === 0) return { proposal: null, detail: 'no MX records' };
  for (const m of mx) {
    const p = catalog.providerForMx(m.exchange);
    if (p) return { proposal: proposalFromProvider(p, email, 'mx'), detail: `MX ${m.exchange} is ${p.name}` };
  }
  return { proposal: null, detail: `MX ${mx[0]!.exchange} belongs to no provider Mailroom knows` };
}
