import { autoconfigResultSchema, deliverabilityResultSchema, problemSchema } from '@mailroom/core';
import { startTestDnsServer, type TestDnsServer } from '@mailroom/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

describe('providers through the API', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  beforeAll(async () => {
    t = await createTestApp();
    dns = await startTestDnsServer({
      'shop.test': { TXT: ['v=spf1 include:_spf.google.com ~all'] },
      '_dmarc.shop.test': { TXT: ['v=DMARC1; p=none'] },
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
      oauth: {
        provider: 'microsoft',
        device: true,
        tokenEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
        authorizationEndpoint: expect.stringMatching(/^https:\/\/login\.microsoftonline\.com\//),
        deviceEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/devicecode',
      },
    });
    // OpenAPI says so too.
    const doc = JSON.stringify(await json(t.app.request('/api/openapi.json')));
    expect(doc).toContain("the account's `tokenUrl`");
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

  it('POST /accounts/:id/deliverability answers the four checks', async () => {
    const created = await t.call('POST', '/api/v1/accounts', {
      name: 'Shop',
      outgoing: {
        transport: 'smtp',
        host: 'smtp.gmail.com',
        port: 587,
        security: 'starttls',
        auth: { method: 'password', username: 'sales@shop.test', password: 'app-password-1234' },
        from: { address: 'sales@shop.test' },
      },
    });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    const res = await t.call('POST', `/api/v1/accounts/${id}/deliverability`);
    expect(res.status).toBe(200);
    const body = deliverabilityResultSchema.parse(await json(res));
    expect(body.provider?.id).toBe('google');
    expect(body.checks.map((c) => [c.name, c.result])).toEqual([
      ['spf', 'pass'],
      ['dkim', 'warn'],
      ['dmarc', 'warn'],
      ['alignment', 'pass'],
    ]);
    expect(JSON.stringify(body)).not.toContain('app-password-1234');
    expect((await t.call('POST', '/api/v1/accounts/nope/deliverability')).status).toBe(404);
  });
});
