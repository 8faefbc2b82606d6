import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalog } from '../providers';
import { startTestDnsServer, type TestDnsServer } from '../testing';
import { runDeliverability } from './checkDeliverability';
import type { SendingSetup } from './schema';

const KEY = `v=DKIM1; k=rsa; p=${'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'.repeat(3)}`;
let dns: TestDnsServer;
const opts = () => ({ servers: [dns.server], timeoutMs: 2000 });
const catalog = createCatalog();
const setup = (over: Partial<SendingSetup>): SendingSetup => ({
  fromDomain: 'good.test',
  smtpHost: 'smtp.gmail.com',
  providerId: null,
  envelopeSender: 'ann@good.test',
  loginAddress: 'ann@good.test',
  dkim: null,
  ...over,
});
const results = async (s: SendingSetup) => {
  // The hosts here have documentation addresses (192.0.2.x), which only private-hosts mode evaluates.
  const r = await runDeliverability(s, catalog, opts(), true);
  return { r, by: Object.fromEntries(r.checks.map((c) => [c.name, c])) };
};

beforeEach(async () => {
  dns = await startTestDnsServer({
    'good.test': { TXT: ['v=spf1 include:_spf.google.com ~all', 'google-site-verification=abc'] },
    'google._domainkey.good.test': { TXT: [KEY] },
    '_dmarc.good.test': { TXT: ['v=DMARC1; p=reject; rua=mailto:d@good.test'] },
    'soso.test': { TXT: ['v=spf1 ?all'] },
    'mail.soso.test': { A: ['192.0.2.10'] },
    '_dmarc.soso.test': { TXT: ['v=DMARC1; p=none'] },
    'own.test': { TXT: ['v=spf1 ip4:192.0.2.20 -all'] },
    'mail.own.test': { A: ['192.0.2.20'] },
    'mr._domainkey.own.test': { TXT: [KEY] },
    '_dmarc.own.test': { TXT: ['v=DMARC1; p=quarantine'] },
    'bad.test': { A: ['192.0.2.30'] },
    'flaky.test': { fail: true },
  });
});
afterEach(() => dns.close());

describe('deliverability checks', () => {
  it('passes a domain set up for its provider (Google: include, google selector, DMARC reject, aligned)', async () => {
    const { r, by } = await results(setup({}));
    expect(r.provider).toEqual({ id: 'google', name: 'Google (Gmail, Google Workspace)' });
    expect(r.checks.map((c) => [c.name, c.result])).toEqual([
      ['spf', 'pass'],
      ['dkim', 'pass'],
      ['dmarc', 'pass'],
      ['alignment', 'pass'],
    ]);
    expect(by.dkim?.detail).toContain('google._domainkey.good.test');
  });

  it('evaluates SPF for the SMTP host with mailauth and passes the account’s own DKIM selector', async () => {
    const { by } = await results(
      setup({
        fromDomain: 'own.test',
        smtpHost: 'mail.own.test',
        envelopeSender: 'ann@own.test',
        loginAddress: null,
        dkim: { domain: 'own.test', selector: 'mr' },
      }),
    );
    expect(by.spf).toMatchObject({ result: 'pass', detail: expect.stringContaining('192.0.2.20') });
    expect(by.dkim).toMatchObject({ result: 'pass' });
    expect(by.dmarc).toMatchObject({ result: 'pass', detail: expect.stringContaining('quarantine') });
  });

  it('warns with hints a person can act on', async () => {
    const { by } = await results(
      setup({
        fromDomain: 'soso.test',
        smtpHost: 'mail.soso.test',
        envelopeSender: 'ann@soso.test',
        loginAddress: 'someone@gmail.com',
      }),
    );
    expect(by.spf).toMatchObject({ result: 'warn', detail: expect.stringContaining('neutral') });
    expect(by.spf?.hint).toMatch(/ip4:192\.0\.2\.10/);
    expect(by.dkim).toMatchObject({ result: 'warn', hint: expect.stringMatching(/DKIM/) });
    expect(by.dmarc).toMatchObject({ result: 'warn', hint: expect.stringContaining('p=quarantine') });
    expect(by.alignment).toMatchObject({
      result: 'warn',
      detail: expect.stringContaining('someone@gmail.com'),
    });
  });

  it('fails what is missing or misaligned', async () => {
    const { by } = await results(
      setup({
        fromDomain: 'bad.test',
        smtpHost: 'smtp.office365.com',
        envelopeSender: 'bounces@elsewhere.test',
        loginAddress: null,
        dkim: { domain: 'bad.test', selector: 'mr' },
      }),
    );
    expect(by.spf).toMatchObject({
      result: 'fail',
      hint: expect.stringContaining('include:spf.protection.outlook.com'),
    });
    expect(by.dkim).toMatchObject({
      result: 'fail',
      detail: expect.stringContaining('mr._domainkey.bad.test'),
    });
    expect(by.dmarc).toMatchObject({ result: 'fail', hint: expect.stringContaining('_dmarc.bad.test') });
    // Misaligned envelope: a warning here only because the account signs DKIM with d=bad.test.
    expect(by.alignment).toMatchObject({ result: 'warn', detail: expect.stringContaining('elsewhere.test') });
    const unsigned = await results(
      setup({ fromDomain: 'bad.test', envelopeSender: 'b@elsewhere.test', loginAddress: null }),
    );
    expect(unsigned.by.alignment).toMatchObject({
      result: 'fail',
      hint: expect.stringContaining('bad.test'),
    });
  });

  it('a DNS failure makes a check a warning saying so, and the others still run', async () => {
    const { r, by } = await results(
      setup({ fromDomain: 'flaky.test', envelopeSender: 'ann@flaky.test', loginAddress: null }),
    );
    expect(r.checks).toHaveLength(4);
    expect(by.spf).toMatchObject({ result: 'warn', detail: expect.stringMatching(/^Could not check/) });
    expect(by.alignment).toMatchObject({ result: 'pass' });
  });
});
