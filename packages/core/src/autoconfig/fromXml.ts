import { guardedRequest } from '../door';
import type { Proposal } from './schema';
import { parseAutoconfigXml } from './xml';

/** Where Thunderbird looks for a domain's autoconfig document, in order. */
export function autoconfigUrls(domain: string, email: string): string[] {
  const q = `emailaddress=${encodeURIComponent(email)}`;
  return [
    `https://autoconfig.${domain}/mail/config-v1.1.xml?${q}`,
    `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`,
  ];
}

/** The first autoconfig document that answers with usable settings; every URL through the door. */
export async function fromXml(
  urls: string[],
  email: string,
  opts: { timeoutMs: number; allowPrivateHosts: boolean },
): Promise<{ proposal: Proposal | null; detail: string; failed: boolean }> {
  const tried: string[] = [];
  let failures = 0;
  for (const url of urls) {
    const host = new URL(url).host;
    try {
      const res = await guardedRequest(url, { ...opts, headers: { accept: 'application/xml, text/xml' } });
      if (res.status !== 200) {
        tried.push(`${host}: HTTP ${res.status}`);
        continue;
      }
      const proposal = parseAutoconfigXml(res.body, email);
      if (proposal) return { proposal, detail: `${host} answered`, failed: false };
      tried.push(`${host}: no usable server in the document`);
    } catch (err) {
      failures++;
      tried.push(`${host}: ${err instanceof Error ? err.message : 'failed'}`);
    }
  }
  return { proposal: null, detail: tried.join('; '), failed: failures === urls.length };
}
