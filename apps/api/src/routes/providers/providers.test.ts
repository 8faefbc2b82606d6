import { autoconfigResultSchema, problemSchema } from '@mailroom/core';
import { startTestDnsServer, type TestDnsServer } from '@mailroom/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

describe('providers through the API', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  beforeAll(async () => {
    t = await createTestApp();
    dns = await startTestDnsServer({
      'workspace.test': { MX: [{ exchange: 'alt1.aspmx.l.google.com', priority: 5 }] },
    });
    t.env.base.config.dnsServers = [dns.server];
    t.env.base.config.timeouts = { connectMs: 1000, greetingMs: 1000, commandMs: 1000 };
  });
  afterAll(async () => {
    await dns?.close();
    await t?.close();
  });

  it('GET /autoconfig proposes a catalogue provider’s settings', async () => {
    const res = await t.call('GET', '/api/v1/autoconfig?email=ann%40outlook.com');
    expect(res.status).toBe(200);
    const body = autoconfigResultSchema.parse(await json(res));
    expect(body).toMatchObject({
      source: 'catalog',
      provider: { id: 'microsoft' },
      outgoing: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
      oauth: { provider: 'microsoft', device: true },
    });
  });

  it('GET /autoconfig finds Google Workspace by MX on the configured DNS server', async () => {
    const body = autoconfigResultSchema.parse(
      await json(t.call('GET', '/api/v1/autoconfig?email=bob@workspace.test')),
    );
    expect(body).toMatchObject({ source: 'mx', provider: { id: 'google' } });
    expect(dns.asked).toContain('MX workspace.test');
  });

  it('GET /autoconfig names the bad field', async () => {
    const res = await t.call('GET', '/api/v1/autoconfig?email=nope');
    expect(res.status).toBe(400);
    expect(problemSchema.parse(await json(res)).errors?.[0]?.path).toBe('email');
  });

  it('GET /providers lists the catalogue', async () => {
    const body = await json(t.call('GET', '/api/v1/providers'));
    expect(body.items.map((p: { id: string }) => p.id)).toEqual(
      expect.arrayContaining(['google', 'microsoft', 'brevo']),
    );
  });
});
