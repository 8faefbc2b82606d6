import type { Provider } from '../providers/schema';
import type { DiscoverySource, Proposal, ProposedServer } from './schema';

/** A catalogue entry's settings for one address, as `source` found it. */
export function proposalFromProvider(p: Provider, email: string, source: DiscoverySource): Proposal {
  const username = p.username ?? email;
  const server = (
    protocol: ProposedServer['protocol'],
    s: NonNullable<Provider['imap']>,
  ): ProposedServer => ({
    protocol,
    host: s.host,
    port: s.port,
    security: s.security,
    username,
  });
  const incoming: ProposedServer[] = [];
  if (p.imap) incoming.push(server('imap', p.imap));
  if (p.pop3) incoming.push(server('pop3', p.pop3));
  return {
    source,
    providerId: p.id,
    outgoing: p.smtp[0] ? server('smtp', p.smtp[0]) : null,
    incoming,
    auth: p.auth,
    note: p.note,
  };
}
