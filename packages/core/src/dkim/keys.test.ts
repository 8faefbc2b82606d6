import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyDkim } from '../door';
import { startTestDnsServer, type TestDnsServer } from '../testing';
import { dkimDnsRecord, generateDkimKey } from './keys';

let dns: TestDnsServer;
beforeEach(async () => {
  dns = await startTestDnsServer({});
});
afterEach(() => dns.close());

/** Signs a message the way the SMTP transport's nodemailer `dkim` option does. */
async function signed(privateKey: string, domain = 'shop.test', selector = 'mr2026'): Promise<Buffer> {
  const t = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    dkim: { domainName: domain, keySelector: selector, privateKey },
  });
  const info = await t.sendMail({
    from: `sales@${domain}`,
    to: 'ann@example.org',
    subject: 'Hello',
    text: 'Signed.',
  });
  return info.message as Buffer;
}

describe('DKIM keys', () => {
  it('derives the record to publish; a message signed with the key verifies against it (mailauth)', async () => {
    const privateKey = generateDkimKey();
    const record = dkimDnsRecord({ domain: 'Shop.test', selector: 'mr2026', privateKey });
    expect(record.name).toBe('mr2026._domainkey.shop.test');
    expect(record.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
    expect(record.value).not.toContain('PRIVATE');
    dns.zone[record.name] = { TXT: [record.value] };
    const results = await verifyDkim(await signed(privateKey), { servers: [dns.server], timeoutMs: 2000 });
    expect(results).toEqual([{ domain: 'shop.test', selector: 'mr2026', result: 'pass' }]);
  });

  it('fails the signature when the published key is another one', async () => {
    const record = dkimDnsRecord({ domain: 'shop.test', selector: 'mr2026', privateKey: generateDkimKey() });
    dns.zone[record.name] = { TXT: [record.value] };
    const results = await verifyDkim(await signed(generateDkimKey()), {
      servers: [dns.server],
      timeoutMs: 2000,
    });
    expect(results[0]?.result).toBe('fail');
  });

  it('refuses what is not a private key', () => {
    expect(() => dkimDnsRecord({ domain: 'a.test', selector: 's', privateKey: 'not a key' })).toThrow();
  });
});
