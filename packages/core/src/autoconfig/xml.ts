import { hostname as hostnameSchema } from '../schemas/common';
import type { Security } from '../schemas/parts';
import type { Proposal, ProposedServer } from './schema';

/**
 * Reads a Thunderbird autoconfig document (config-v1.1.xml) without an XML library: only the few elements
 * it needs, by pattern, in a body the door already bounded. A DOCTYPE or entity declaration is refused
 * outright (no entity expansion, no external references); values are checked like typed-in settings.
 */
export function parseAutoconfigXml(xml: string, email: string): Proposal | null {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('the document declares a DOCTYPE or entities');
  if (!/<clientConfig[\s>]/.test(xml)) throw new Error('not an autoconfig document (no <clientConfig>)');
  const [local = '', domain = ''] = email.split('@');
  const servers = (tag: 'incomingServer' | 'outgoingServer') =>
    [...xml.matchAll(new RegExp(`<${tag}\\s+type="([a-z0-9]+)"\\s*>([\\s\\S]*?)</${tag}>`, 'g'))].flatMap(
      (m) => {
        const protocol = m[1] as string;
        const body = m[2] as string;
        if (protocol !== 'smtp' && protocol !== 'imap' && protocol !== 'pop3') return [];
        const host = text(body, 'hostname')?.toLowerCase();
        const port = Number(text(body, 'port'));
        const security = securityOf(text(body, 'socketType'));
        if (!host || !hostnameSchema.safeParse(host).success) return [];
        if (!Number.isInteger(port) || port < 1 || port > 65535 || !security) return [];
        const username = (text(body, 'username') ?? '%EMAILADDRESS%')
          .replaceAll('%EMAILADDRESS%', email)
          .replaceAll('%EMAILLOCALPART%', local)
          .replaceAll('%EMAILDOMAIN%', domain);
        const auth = [...body.matchAll(/<authentication>([^<]*)<\/authentication>/g)].map((a) =>
          a[1]!.trim(),
        );
        const server: ProposedServer = { protocol, host, port, security, username };
        return [{ server, auth }];
      },
    );
  const outgoing = servers('outgoingServer').find((s) => s.server.protocol === 'smtp');
  const incoming = servers('incomingServer');
  if (!outgoing && incoming.length === 0) return null;
  // IMAP before POP3, each in the document's order (its preference).
  incoming.sort((a, b) => Number(a.server.protocol === 'pop3') - Number(b.server.protocol === 'pop3'));
  const methods = new Set([outgoing, ...incoming].flatMap((s) => s?.auth ?? []));
  const auth: Proposal['auth'] = [];
  if (methods.has('OAuth2')) auth.push('oauth2');
  if (methods.size === 0 || [...methods].some((m) => m.startsWith('password'))) auth.push('password');
  const name = text(xml, 'displayName');
  return {
    source: 'autoconfig',
    outgoing: outgoing?.server ?? null,
    incoming: incoming.map((s) => s.server),
    auth: auth.length > 0 ? auth : ['password'],
    note: `Published by ${name ? `${name.slice(0, 80)} (${domain})` : domain} as autoconfig; check before saving.`,
  };
}

function text(body: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]{0,500})</${tag}>`).exec(body);
  return m ? decode(m[1]!.trim()) : undefined;
}

function decode(s: string): string {
  return s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

function securityOf(socketType: string | undefined): Security | null {
  if (socketType === 'SSL') return 'tls';
  if (socketType === 'STARTTLS') return 'starttls';
  if (socketType === 'plain') return 'none';
  return null;
}
