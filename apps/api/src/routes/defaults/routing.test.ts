// One decision for From, over HTTP: GET /routing/explain and POST /messages answer the same for the
// same From (the case: a system default whose Send-as list is `sales@example.com, example.com`
// and a From of another domain), for an account that refuses and one that rewrites; and a user's own
// sending address is what their sends without From carry, by session and by their token.
import { messageViewSchema, problemSchema, routingExplainSchema } from '@mailroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

describe('routing explanation and send agree', () => {
  let t: TestApp;
  let accountId: string;
  const explain = async (query: string, token?: string) =>
    routingExplainSchema.parse(
      await json(t.call('GET', `/api/v1/routing/explain?${query}`, undefined, token ? { token } : {})),
    );
  const send = (body: Record<string, unknown>, token?: string) =>
    t.call(
      'POST',
      '/api/v1/messages',
      { to: ['customer@example.org'], subject: 'Hello', text: 'Hi', ...body },
      token ? { token } : {},
    );

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.call('POST', '/api/v1/accounts', {
      name: 'Sales default',
      outgoing: {
        transport: 'smtp',
        // Never contacted: the test app runs no worker, queued sends are only stored.
        host: 'smtp.example.com',
        from: { address: 'sales@example.com', name: 'Sales' },
        fromFilter: ['sales@example.com', 'example.com'],
        sendMode: 'queued',
      },
    });
    expect(res.status).toBe(201);
    accountId = (await json(res)).id;
    const d = await t.call('PUT', '/api/v1/defaults', { teamId: null, direction: 'outgoing', accountId });
    expect(d.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a From the default may not send as in both, with the same reason and hint', async () => {
    const e = await explain('from=anyone@example.net');
    expect(e).toMatchObject({
      accountId,
      reason: 'system_default',
      sendable: false,
      sendAs: { outcome: 'refused' },
      refusal: { code: 'validation_failed', status: 400 },
    });
    const res = await send({ from: { address: 'anyone@example.net' } });
    expect(res.status).toBe(400);
    const problem = problemSchema.parse(await res.json());
    expect(problem).toMatchObject({
      detail: e.refusal?.message,
      hint: e.refusal?.hint,
      errors: e.refusal?.errors,
    });
    expect(problem.hint).toContain('Add anyone@example.net or example.net to the Send-as list');
    // A From the list covers goes through in both.
    expect((await explain('from=x@example.com')).sendAs).toMatchObject({ outcome: 'allowed' });
    expect((await send({ from: { address: 'x@example.com' } })).status).toBe(202);
  });

  it('rewrites it in both once the account is set to rewrite', async () => {
    const patched = await t.call('PATCH', `/api/v1/accounts/${accountId}`, {
      outgoing: { fromNotAllowed: 'rewrite' },
    });
    expect(patched.status).toBe(200);
    expect((await json(patched)).outgoing.fromNotAllowed).toBe('rewrite');
    const e = await explain('from=anyone@example.net');
    expect(e).toMatchObject({ sendable: true, refusal: null, sendAs: { outcome: 'rewritten' } });
    const res = await send({ from: { address: 'anyone@example.net', name: 'Anyone' } });
    expect(res.status).toBe(202);
    const m = messageViewSchema.parse(await res.json());
    expect(m).toMatchObject({
      accountId: e.accountId,
      from: { address: 'sales@example.com', name: 'Anyone' },
      replyTo: 'anyone@example.net',
      sendAs: { outcome: 'rewritten', requested: { address: 'anyone@example.net', name: 'Anyone' } },
    });
    expect(m.sendAs?.detail).toBe(e.sendAs?.detail);
    await t.call('PATCH', `/api/v1/accounts/${accountId}`, { outgoing: { fromNotAllowed: 'refuse' } });
  });

  it("uses the user's own sending address for sends without From, by session and by their token", async () => {
    const me = await t.call('PATCH', '/api/v1/auth/profile', {
      displayName: 'Ann from Sales',
      sendingAddress: 'ann@example.com',
    });
    expect(me.status).toBe(200);
    expect((await json(me)).user).toMatchObject({
      displayName: 'Ann from Sales',
      sendingAddress: 'ann@example.com',
    });
    expect((await explain('')).sendAs).toMatchObject({
      outcome: 'allowed',
      source: 'user',
      from: { address: 'ann@example.com', name: 'Ann from Sales' },
    });
    const bySession = messageViewSchema.parse(await json(send({})));
    expect(bySession.from).toEqual({ address: 'ann@example.com', name: 'Ann from Sales' });
    expect(bySession.sendAs).toMatchObject({ source: 'user', outcome: 'allowed' });

    const created = await json(t.call('POST', '/api/v1/tokens', { name: 'ann-integration', role: 'admin' }));
    const byToken = messageViewSchema.parse(await json(send({}, created.token)));
    expect(byToken.from).toEqual({ address: 'ann@example.com', name: 'Ann from Sales' });
    // A token cannot change the profile: it belongs to the person signing in.
    const denied = await t.call(
      'PATCH',
      '/api/v1/auth/profile',
      { displayName: 'CI' },
      { token: created.token },
    );
    expect(denied.status).toBe(403);

    // An address the default may not send as: refused by both, saying it is the profile's.
    await t.call('PATCH', '/api/v1/auth/profile', { sendingAddress: 'ann@example.net' });
    const e = await explain('');
    expect(e).toMatchObject({ sendable: false, sendAs: { source: 'user', outcome: 'refused' } });
    const refused = await send({});
    expect(refused.status).toBe(400);
    expect((await json(refused)).hint).toBe(e.refusal?.hint);
    expect(e.refusal?.hint).toContain('Change the sending address of your profile');
  });

  it('checks a From in the explanation as a send does', async () => {
    const res = await t.call('GET', '/api/v1/routing/explain?from=not-an-address');
    expect(res.status).toBe(400);
    expect((await json(res)).errors).toEqual([{ path: 'from', message: 'must be a valid email address' }]);
  });
});
