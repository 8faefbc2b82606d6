import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import type { DeliverabilityCheck } from '../deliverability/schema';
import type { ConnectionTestResult } from '../schemas/connection';
import { createTestEnv, startTestDnsServer, type TestDnsServer, type TestEnv } from '../testing';
import { testAccount } from './testAccount';
import { testConnection } from './testConnection';

/** The deliverability step of a result, and its checks by name. */
function deliverability(result: ConnectionTestResult) {
  const step = result.steps.find((s) => s.step === 'deliverability');
  if (!step || typeof step.detail === 'string') throw new Error('no deliverability step');
  const checks = step.detail.checks as DeliverabilityCheck[];
  return { step, detail: step.detail, by: Object.fromEntries(checks.map((c) => [c.name, c])) };
}

describe('the deliverability step of the outgoing connection test', () => {
  let env: TestEnv;
  let mock: MockMailServer;
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startTestDnsServer({
      'own.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
      '_dmarc.own.test': { TXT: ['v=DMARC1; p=reject'] },
      'flaky.test': { fail: true },
      '_dmarc.flaky.test': { fail: true },
    });
    // Short lookups: a name server that never answers costs the test a second, not five.
    env = await createTestEnv('pglite', {
      dnsServers: [dns.server],
      timeouts: { connectMs: 1000, greetingMs: 5000, commandMs: 5000 },
    });
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: false });
  }, 60_000);
  afterAll(async () => {
    await mock?.close();
    await env?.close();
    await dns?.close();
  });

  const part = (from: string, extra: Record<string, unknown> = {}) => ({
    transport: 'smtp' as const,
    host: '127.0.0.1',
    port: mock.smtpPort,
    security: 'none' as const,
    from: { address: from },
    ...extra,
  });

  it('passes every check for a domain set up for the account’s own DKIM selector', async () => {
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'Own domain',
        outgoing: part('ann@own.test', { dkim: { selector: 'mr', generateKey: true } }),
      },
    });
    const record = account.outgoing!.dkim!.record!;
    dns.zone[record.name] = { TXT: [record.value] };
    const result = await testAccount({
      ctx: env.ctx,
      id: account.id,
      input: { direction: 'outgoing', deliverability: true },
    });
    expect(result.ok).toBe(true);
    const { step, detail, by } = deliverability(result);
    expect(result.steps.at(-1)).toBe(step);
    expect(step.ok).toBe(true);
    expect(detail, JSON.stringify(detail)).toMatchObject({ result: 'pass', domain: 'own.test' });
    expect(Object.values(by).map((c) => [c.name, c.result])).toEqual([
      ['spf', 'pass'],
      ['dkim', 'pass'],
      ['dmarc', 'pass'],
      ['alignment', 'pass'],
    ]);
    expect(by.dkim?.detail).toContain('mr._domainkey.own.test');
  }, 30_000);

  it('looks at the account’s own selector only while it signs', async () => {
    const result = await testConnection({
      ctx: env.ctx,
      input: {
        direction: 'outgoing',
        outgoing: part('ann@own.test', { dkim: { enabled: false, selector: 'mr' } }),
        deliverability: true,
      },
    });
    const { by } = deliverability(result);
    expect(by.dkim).toMatchObject({ result: 'warn', detail: expect.stringContaining('No DKIM selector') });
  });

  it('is opt-in: without it the test asks DNS nothing', async () => {
    const before = dns.asked.length;
    const result = await testConnection({
      ctx: env.ctx,
      input: { direction: 'outgoing', outgoing: part('bob@nothing.test') },
    });
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.step)).not.toContain('deliverability');
    expect(dns.asked.length).toBe(before);
  });

  it('reports failures with hints without failing the connection test', async () => {
    const result = await testConnection({
      ctx: env.ctx,
      input: { direction: 'outgoing', outgoing: part('bob@nothing.test'), deliverability: true },
    });
    expect(result.ok).toBe(true);
    expect(result.error).toBeUndefined();
    const { step, detail, by } = deliverability(result);
    expect(step.ok).toBe(true);
    expect(detail.result).toBe('fail');
    expect(by.spf).toMatchObject({ result: 'fail', hint: expect.stringContaining('v=spf1') });
    expect(by.dkim).toMatchObject({ result: 'warn', hint: expect.stringMatching(/DKIM/) });
    expect(by.dmarc).toMatchObject({ result: 'fail', hint: expect.stringContaining('_dmarc.nothing.test') });
    expect(by.alignment).toMatchObject({ result: 'pass' });
  });

  it('a DNS failure is a warning, and a failed connection still gets the check', async () => {
    const flaky = await testConnection({
      ctx: env.ctx,
      input: { direction: 'outgoing', outgoing: part('c@flaky.test'), deliverability: true },
    });
    expect(flaky.ok).toBe(true);
    const { detail, by } = deliverability(flaky);
    expect(detail.result).toBe('warn');
    expect(by.spf).toMatchObject({ result: 'warn', detail: expect.stringMatching(/^Could not check/) });
    expect(by.dmarc?.result).toBe('warn');

    // Nothing listens on port 1: the connection fails at its own step, with its own error.
    const refused = await testConnection({
      ctx: env.ctx,
      input: { direction: 'outgoing', outgoing: part('ann@own.test', { port: 1 }), deliverability: true },
    });
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('refused');
    expect(refused.steps.find((s) => !s.ok)?.step).toBe('connect');
    expect(deliverability(refused).detail.domain).toBe('own.test');
  }, 30_000);

  it('an unreachable name server makes every DNS check a warning', async () => {
    const offline = await createTestEnv('pglite', {
      dnsServers: ['127.0.0.1:9'],
      timeouts: { connectMs: 800, greetingMs: 5000, commandMs: 5000 },
    });
    try {
      const result = await testConnection({
        ctx: offline.ctx,
        input: { direction: 'outgoing', outgoing: part('d@own.test'), deliverability: true },
      });
      expect(result.ok).toBe(true);
      const { step, by } = deliverability(result);
      expect(step.ok).toBe(true);
      for (const name of ['spf', 'dkim', 'dmarc'] as const) expect(by[name]?.result).toBe('warn');
    } finally {
      await offline.close();
    }
  }, 30_000);
});
