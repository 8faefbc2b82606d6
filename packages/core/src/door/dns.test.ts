import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '../testing';
import { lookupAddresses, lookupMx, lookupSrv, lookupTxt, rawDnsLookup } from './dns';

let dns: TestDnsServer;
const opts = () => ({ servers: [dns.server], timeoutMs: 3000 });

beforeEach(async () => {
  dns = await startTestDnsServer({
    'example.test': {
      MX: [
        { exchange: 'mx2.example.test', priority: 20 },
        { exchange: 'MX1.example.test', priority: 10 },
      ],
      TXT: ['v=spf1 include:_spf.google.com ~all', `long=${'x'.repeat(400)}`],
    },
    '_submission._tcp.example.test': { SRV: [{ target: 'smtp.example.test', port: 587 }] },
    'smtp.example.test': { A: ['192.0.2.10'] },
    'broken.test': { fail: true },
  });
});
afterEach(() => dns.close());

describe('DNS through the door', () => {
  it('answers MX (by preference), SRV, TXT (long records joined) and A from the configured server', async () => {
    expect(await lookupMx('example.test', opts())).toEqual([
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ]);
    expect(await lookupSrv('_submission._tcp.example.test', opts())).toEqual([
      { name: 'smtp.example.test', port: 587, priority: 0, weight: 0 },
    ]);
    const txt = await lookupTxt('example.test', opts());
    expect(txt[0]).toBe('v=spf1 include:_spf.google.com ~all');
    expect(txt[1]).toBe(`long=${'x'.repeat(400)}`);
    expect(await lookupAddresses('smtp.example.test', opts())).toEqual(['192.0.2.10']);
  });

  it('answers an empty list for a name that does not exist, a dns failure for a server failure', async () => {
    expect(await lookupMx('nothing.test', opts())).toEqual([]);
    await expect(lookupTxt('broken.test', opts())).rejects.toMatchObject({ code: 'dns' });
  });

  it('gives mailauth a resolver with dns.resolve semantics', async () => {
    const resolve = rawDnsLookup(opts());
    expect(await resolve('example.test', 'TXT')).toHaveLength(2);
    await expect(resolve('nothing.test', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
