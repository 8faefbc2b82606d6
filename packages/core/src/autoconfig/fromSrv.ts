import { type DnsOptions, lookupSrv } from '../door';
import type { Security } from '../schemas/parts';
import type { Proposal, ProposedServer } from './schema';

/** RFC 6186 (and RFC 8314's `_submissions`) services, the preferred of each protocol first. */
const SERVICES: Array<{ label: string; protocol: ProposedServer['protocol']; security: Security }> = [
  { label: '_submissions._tcp', protocol: 'smtp', security: 'tls' },
  { label: '_submission._tcp', protocol: 'smtp', security: 'starttls' },
  { label: '_imaps._tcp', protocol: 'imap', security: 'tls' },
  { label: '_imap._tcp', protocol: 'imap', security: 'starttls' },
  { label: '_pop3s._tcp', protocol: 'pop3', security: 'tls' },
  { label: '_pop3._tcp', protocol: 'pop3', security: 'starttls' },
];

/** Settings from SRV records; a target of "." says the service is not offered (RFC 2782). */
export async function fromSrv(
  domain: string,
  email: string,
  dns: DnsOptions,
): Promise<{ proposal: Proposal | null; detail: string }> {
  const answers = await Promise.all(
    SERVICES.map(async (s) => {
      const records = await lookupSrv(`${s.label}.${domain}`, dns);
      const usable = records.find((r) => r.name !== '' && r.name !== '.' && r.port > 0);
      return usable ? { ...s, host: usable.name, port: usable.port } : null;
    }),
  );
  const found = answers.filter((a) => a !== null);
  if (found.length === 0) return { proposal: null, detail: 'no SRV records' };
  const server = (a: (typeof found)[number]): ProposedServer => ({
    protocol: a.protocol,
    host: a.host,
    port: a.port,
    security: a.security,
    username: email,
  });
  const smtp = found.find((a) => a.protocol === 'smtp');
  const imap = found.find((a) => a.protocol === 'imap');
  const pop3 = found.find((a) => a.protocol === 'pop3');
  return {
    proposal: {
      source: 'srv',
      outgoing: smtp ? server(smtp) : null,
      incoming: [imap, pop3].filter((a) => a !== undefined).map(server),
      auth: ['password'],
      note: 'Found in the domain’s SRV records (RFC 6186); sign in with the mailbox password.',
    },
    detail: found.map((a) => `${a.label} → ${a.host}:${a.port}`).join(', '),
  };
}
