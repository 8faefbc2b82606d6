import { problemSchema, verificationStartedSchema, verificationStateSchema } from '@mailroom/core';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

describe('verification state over HTTP: a code pending survives a reload', () => {
  let t: TestApp;
  let mock: MockMailServer;
  let accountId: string;
  beforeAll(async () => {
    t = await createTestApp();
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: false });
    const res = await t.call('POST', '/api/v1/accounts', {
      name: 'Verify me',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: mock.smtpPort,
        security: 'none',
        from: { address: 'sales@example.com' },
      },
    });
    expect(res.status).toBe(201);
    accountId = (await json(res)).id;
  });
  afterAll(async () => {
    await mock?.close();
    await t?.close();
  });

  const state = async () => {
    const res = await t.call('GET', `/api/v1/accounts/${accountId}/verification`);
    expect(res.status).toBe(200);
    return verificationStateSchema.parse(await res.json());
  };

  it('says nothing is pending before a code is sent', async () => {
    expect(await state()).toEqual({ accountId, pending: null, verifiedAt: null, resendAfter: null });
  });

  it('shows to, sent and expiry of the pending code (never the code), and the 429 leads back to it', async () => {
    const start = await t.call('POST', `/api/v1/accounts/${accountId}/verification`, {
      to: 'admin@example.com',
    });
    expect(start.status).toBe(202);
    const started = verificationStartedSchema.parse(await start.json());
    const code = await mock.waitForCode({ to: 'admin@example.com', timeoutMs: 5000 });

    const pending = await state();
    expect(pending.pending).toMatchObject({
      to: 'admin@example.com',
      expiresAt: started.expiresAt,
      attemptsLeft: 5,
    });
    expect(pending.resendAfter).toBe(started.resendAfter);
    const raw = await (await t.call('GET', `/api/v1/accounts/${accountId}/verification`)).text();
    expect(raw).not.toContain(code);

    const again = await t.call('POST', `/api/v1/accounts/${accountId}/verification`, {
      to: 'other@example.com',
    });
    expect(again.status).toBe(429);
    const problem = await json(again);
    expect(problemSchema.parse(problem).code).toBe('rate_limited');
    expect(problem.pending).toEqual(pending.pending);
    expect(problem.retryAfterSeconds).toBeGreaterThan(0);
    expect(JSON.stringify(problem)).not.toContain(code);

    const ok = await t.call('POST', `/api/v1/accounts/${accountId}/verification/confirm`, { code });
    expect(ok.status).toBe(200);
    const after = await state();
    expect(after.pending).toBeNull();
    expect(after.verifiedAt).toBe((await json(ok)).verifiedAt);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await json(t.call('GET', '/api/openapi.json'));
    const op = doc.paths['/api/v1/accounts/{id}/verification'].get;
    expect(op.description).toContain('never returned');
    expect(Object.keys(op.responses)).toContain('200');
  });

  it('answers an unknown account with 404', async () => {
    const res = await t.call('GET', '/api/v1/accounts/nope/verification');
    expect(res.status).toBe(404);
  });
});
