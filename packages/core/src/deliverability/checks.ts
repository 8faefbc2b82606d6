import { isIP } from 'node:net';
import {
  blockReason,
  type DnsOptions,
  evaluateSpf,
  findDmarcRecord,
  lookupAddresses,
  lookupTxt,
} from '../door';
import type { Provider } from '../providers/schema';
import type { DeliverabilityCheck, SendingSetup } from './schema';

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
/** Relaxed alignment (RFC 7489): the same domain, or one under the other. */
const aligned = (a: string, b: string) => a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);

/** SPF: does the From domain's record authorise the provider (its include) or the SMTP host's address? */
export async function checkSpf(
  s: SendingSetup,
  provider: Provider | undefined,
  dns: DnsOptions,
  /** MAILROOM_ALLOW_PRIVATE_HOSTS: an SMTP host in a private range is evaluated (never a metadata one). */
  allowPrivateHosts = false,
): Promise<DeliverabilityCheck> {
  const records = (await lookupTxt(s.fromDomain, dns)).filter((t) => /^v=spf1(\s|$)/i.test(t));
  const include = provider?.spfInclude;
  const suggestion = `v=spf1 ${include ? `include:${include} ` : ''}~all`;
  if (records.length === 0) {
    return {
      name: 'spf',
      result: 'fail',
      detail: `${s.fromDomain} publishes no SPF record`,
      hint: `Publish a TXT record at ${s.fromDomain}: "${suggestion}"${include ? '' : ' with your sending servers'}.`,
    };
  }
  if (records.length > 1) {
    return {
      name: 'spf',
      result: 'fail',
      detail: `${s.fromDomain} publishes ${records.length} SPF records; receivers treat that as an error`,
      hint: 'Merge them into one TXT record starting with v=spf1.',
    };
  }
  const record = records[0]!;
  if (
    include &&
    new RegExp(`(^|\\s)[+?~]?include:${include.replaceAll('.', '\\.')}(\\s|$)`, 'i').test(record)
  ) {
    return { name: 'spf', result: 'pass', detail: `"${record}" includes ${include}`, hint: '' };
  }
  // Otherwise evaluate the record for an address of the SMTP host, as a receiver would for mail from there.
  // An SMTP host given as an address is that address; a name is looked up.
  const ips = !s.smtpHost
    ? []
    : isIP(s.smtpHost)
      ? [s.smtpHost]
      : await lookupAddresses(s.smtpHost, dns).catch(() => []);
  // Only an address the door would connect to. An internal name's address is never shown nor evaluated:
  // the From domain's record is the account editor's to write, and its `ip4:` ranges (one bit a check) or
  // an `exists:%{i}.…` macro (the address to their name server) would read the internal network's DNS.
  const ip = ips.find((a) => {
    const reason = blockReason(a);
    return !reason || (allowPrivateHosts && reason !== 'metadata');
  });
  if (!ip && ips.length > 0) {
    return {
      name: 'spf',
      result: 'warn',
      detail: `"${record}" was not evaluated: ${s.smtpHost} is not a public address`,
      hint: 'Make sure the SPF record covers the public servers your mail leaves from.',
    };
  }
  if (!ip) {
    return {
      name: 'spf',
      result: 'warn',
      detail: `"${record}" does not name ${include ?? 'a known provider'}; the sending host could not be checked`,
      hint: include
        ? `Add include:${include} to the SPF record.`
        : 'Make sure the SPF record covers the servers that send your mail.',
    };
  }
  const r = await evaluateSpf({ sender: s.envelopeSender, ip }, dns);
  if (r.result === 'pass') {
    return { name: 'spf', result: 'pass', detail: `"${record}" authorises ${s.smtpHost} (${ip})`, hint: '' };
  }
  return {
    name: 'spf',
    result: r.result === 'fail' || r.result === 'permerror' ? 'fail' : 'warn',
    detail: `"${record}" gives ${r.result} for ${s.smtpHost} (${ip})`,
    hint: include
      ? `Add include:${include} to the SPF record of ${s.fromDomain}.`
      : `Add ${ip.includes(':') ? 'ip6' : 'ip4'}:${ip} (or your provider's include) to the SPF record of ${s.fromDomain}.`,
  };
}

/** DKIM: a key published at the account's own selector or one of the provider's. */
export async function checkDkim(
  s: SendingSetup,
  provider: Provider | undefined,
  dns: DnsOptions,
): Promise<DeliverabilityCheck> {
  const own = s.dkim ? [{ domain: s.dkim.domain, selector: s.dkim.selector, own: true }] : [];
  const theirs = (provider?.dkimSelectors ?? []).map((selector) => ({
    domain: s.fromDomain,
    selector,
    own: false,
  }));
  const candidates = [...own, ...theirs];
  if (candidates.length === 0) {
    return {
      name: 'dkim',
      result: 'warn',
      detail: `No DKIM selector is known for ${s.fromDomain}`,
      hint: 'Turn on DKIM signing at your provider for this domain, or set up DKIM signing on this account in Mailroom.',
    };
  }
  for (const c of candidates) {
    const name = `${c.selector}._domainkey.${c.domain}`;
    const key = (await lookupTxt(name, dns)).find((t) => /(^|;)\s*p=[A-Za-z0-9+/=]{20,}/.test(t));
    if (key) {
      if (!aligned(c.domain, s.fromDomain)) {
        return {
          name: 'dkim',
          result: 'warn',
          detail: `A key is published at ${name}, but ${c.domain} is not the From domain ${s.fromDomain}`,
          hint: `Sign with d=${s.fromDomain} so DKIM aligns for DMARC.`,
        };
      }
      return { name: 'dkim', result: 'pass', detail: `A key is published at ${name}`, hint: '' };
    }
  }
  const names = candidates.map((c) => `${c.selector}._domainkey.${c.domain}`).join(', ');
  if (s.dkim) {
    return {
      name: 'dkim',
      result: 'fail',
      detail: `Mailroom signs with selector ${s.dkim.selector}, but no key is published at ${s.dkim.selector}._domainkey.${s.dkim.domain}`,
      hint: 'Publish the DNS record shown with the account’s DKIM settings; until then receivers fail the signature.',
    };
  }
  return {
    name: 'dkim',
    result: 'warn',
    detail: `No DKIM key found at ${names}`,
    hint: `Turn on DKIM for ${s.fromDomain} in ${provider?.name ?? 'your provider'}'s admin console and publish the records it gives.`,
  };
}

/** DMARC: a record published, and how strict its policy is. */
export async function checkDmarc(s: SendingSetup, dns: DnsOptions): Promise<DeliverabilityCheck> {
  const record = await findDmarcRecord(s.fromDomain, dns);
  if (!record) {
    return {
      name: 'dmarc',
      result: 'fail',
      detail: `${s.fromDomain} publishes no DMARC record`,
      hint: `Publish a TXT record at _dmarc.${s.fromDomain}: "v=DMARC1; p=none; rua=mailto:dmarc@${s.fromDomain}" (Gmail and Yahoo require one from bulk senders), then tighten the policy.`,
    };
  }
  const where = record.isOrgRecord ? ` (inherited from ${record.recordDomain})` : '';
  const p = (record.p ?? 'none').toLowerCase();
  if (p === 'none') {
    return {
      name: 'dmarc',
      result: 'warn',
      detail: `DMARC is published with p=none${where}: receivers only report, they do not act`,
      hint: `Once the reports show SPF and DKIM passing, change the policy at _dmarc.${s.fromDomain} to p=quarantine, then p=reject.`,
    };
  }
  return { name: 'dmarc', result: 'pass', detail: `DMARC is published with p=${p}${where}`, hint: '' };
}

/** Alignment: the envelope sender's domain (SPF's) matches the From domain (DMARC relaxed mode). */
export function checkAlignment(s: SendingSetup): DeliverabilityCheck {
  const envelope = domainOf(s.envelopeSender);
  if (!aligned(envelope, s.fromDomain)) {
    return {
      name: 'alignment',
      result: s.dkim && aligned(s.dkim.domain, s.fromDomain) ? 'warn' : 'fail',
      detail: `The envelope sender ${s.envelopeSender} is not in the From domain ${s.fromDomain}`,
      hint: `Use a bounce address in ${s.fromDomain} so SPF aligns; DMARC then passes on SPF as well as DKIM.`,
    };
  }
  if (s.loginAddress && !aligned(domainOf(s.loginAddress), s.fromDomain)) {
    return {
      name: 'alignment',
      result: 'warn',
      detail: `The server signs in as ${s.loginAddress}; providers such as Gmail send with that as the envelope sender, not ${s.envelopeSender}`,
      hint: `Sign in with a mailbox in ${s.fromDomain}, or add ${s.fromDomain} as a verified sending address at the provider.`,
    };
  }
  return {
    name: 'alignment',
    result: 'pass',
    detail: `The envelope sender ${s.envelopeSender} aligns with the From domain ${s.fromDomain}`,
    hint: '',
  };
}
