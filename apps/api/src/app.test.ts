import { accountViewSchema, problemSchema, routingExplainSchema, timelineEventSchema } from '@mailroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, json, type TestApp } from './testing';

const SECRET = 'S3cret-smtp-pass';
const account = {
  name: 'Sales outbound',
  purpose: 'customer_service',
  outgoing: {
    transport: 'smtp',
    host: 'smtp.example.com',
    port: 587,
    security: 'starttls',
    auth: { method: 'password', username: 'sales@example.com', password: SECRET },
    from: { address: 'sales@example.com', name: 'Sales' },
    fromFilter: ['sales@example.com'],
    sendMode: 'queued',
  },
};

async function expectProblem(res: Response, status: number, path?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = problemSchema.parse(await res.json());
  if (path) expect(body.errors?.map((e) => e.path)).toContain(path);
  return body;
}

describe('accounts API: the newcomer walk-through', () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates an SMTP account and reads it back without the password', async () => {
    const res = await t.call('POST', '/api/v1/accounts', account);
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(SECRET);
    const view = accountViewSchema.parse(JSON.parse(text));
    id = view.id;
    expect(view.outgoing).toMatchObject({ host: 'smtp.example.com', auth: { hasPassword: true } });
    const read = await t.call('GET', `/api/v1/accounts/${id}`);
    expect(await read.text()).not.toContain(SECRET);
  });

  it('changes the stage with a reason and shows every change in the timeline', async () => {
    const off = await t.call('POST', `/api/v1/accounts/${id}/stage`, {
      stage: 'inactive',
      reason: 'maintenance',
    });
    expect(off.status).toBe(200);
    expect((await json(off)).stage).toBe('inactive');
    const on = await t.call('POST', `/api/v1/accounts/${id}/stage`, { stage: 'active' });
    expect(on.status).toBe(200);
    const comment = await t.call('POST', `/api/v1/accounts/${id}/comments`, {
      body: 'Checked with the provider',
    });
    expect(comment.status).toBe(201);
    const tl = await t.call('GET', `/api/v1/accounts/${id}/timeline`);
    const items = z.object({ items: z.array(timelineEventSchema) }).parse(await tl.json()).items;
    expect(items.map((e) => e.type)).toEqual(['comment', 'stage_changed', 'stage_changed', 'created']);
    expect(items[2]?.summary).toBe('Deactivated: maintenance');
    expect(items[2]?.actor).toBe('admin@example.com');
  });

  it('sets the account as system default and routing/explain names it with the reason', async () => {
    const put = await t.call('PUT', '/api/v1/defaults', {
      teamId: null,
      direction: 'outgoing',
      accountId: id,
    });
    expect(put.status).toBe(200);
    const explain = await t.call('GET', '/api/v1/routing/explain?from=someone@elsewhere.test');
    const body = routingExplainSchema.parse(await explain.json());
    expect(body).toMatchObject({ accountId: id, accountName: 'Sales outbound', reason: 'system_default' });
    const exact = routingExplainSchema.parse(
      await json(t.call('GET', '/api/v1/routing/explain?from=sales@example.com')),
    );
    expect(exact.reason).toBe('from_filter_exact');
  });

  it('answers bad input with problem+json naming the field, and saves nothing', async () => {
    const before = (await json(t.call('GET', '/api/v1/accounts?stage=all'))).total;
    await expectProblem(
      await t.call('POST', '/api/v1/accounts', { ...account, name: undefined }),
      400,
      'name',
    );
    await expectProblem(
      await t.call('POST', '/api/v1/accounts', {
        ...account,
        name: 'p',
        outgoing: { ...account.outgoing, port: 0 },
      }),
      400,
      'outgoing.port',
    );
    await expectProblem(
      await t.call('POST', '/api/v1/accounts', {
        ...account,
        name: 'crlf',
        outgoing: { ...account.outgoing, from: { address: 'a@b.co', name: 'x\r\nBcc: evil@x.y' } },
      }),
      400,
      'outgoing.from.name',
    );
    await expectProblem(
      await t.call('POST', '/api/v1/accounts', {
        ...account,
        name: 'sec',
        outgoing: { ...account.outgoing, security: 'ssl' },
      }),
      400,
      'outgoing.security',
    );
    const other = await t.call('POST', '/api/v1/accounts', {
      ...account,
      name: 'Second',
      outgoing: { ...account.outgoing, fromFilter: [] },
    });
    const otherId = (await json(other)).id;
    const dup = await expectProblem(
      await t.call('PUT', '/api/v1/defaults', { teamId: null, direction: 'outgoing', accountId: otherId }),
      409,
      'accountId',
    );
    expect(dup.code).toBe('default_exists');
    const restore = await expectProblem(
      await t
        .call('POST', `/api/v1/accounts/${id}/stage`, { stage: 'inactive' })
        .then(() => t.call('POST', `/api/v1/accounts/${id}/stage`, { stage: 'inactive' })),
      409,
      'stage',
    );
    expect(restore.code).toBe('invalid_transition');
    await expectProblem(
      await t.call('PATCH', `/api/v1/accounts/${id}`, { outgoing: { host: 'smtp.attacker.test' } }),
      422,
      'outgoing.auth.password',
    );
    await expectProblem(await t.call('POST', '/api/v1/accounts', 'not json'), 400);
    const after = (await json(t.call('GET', '/api/v1/accounts?stage=all'))).total;
    expect(after).toBe(before + 1);
  });

  it('keeps viewers read-only and team admins inside their team', async () => {
    const red = await json(t.call('POST', '/api/v1/teams', { name: 'Red' }));
    const blue = await json(t.call('POST', '/api/v1/teams', { name: 'Blue' }));
    const blueAcc = await json(
      t.call('POST', '/api/v1/accounts', { ...account, name: 'Blue only', teamId: blue.id }),
    );
    const viewer = await json(t.call('POST', '/api/v1/tokens', { name: 'ci', role: 'viewer' }));
    expect(viewer.token).toMatch(/^mr_/);
    expect((await t.call('GET', '/api/v1/accounts', undefined, { token: viewer.token })).status).toBe(200);
    await expectProblem(
      await t.call('POST', '/api/v1/accounts', { ...account, name: 'By viewer' }, { token: viewer.token }),
      403,
    );
    await expectProblem(
      await t.call('PATCH', `/api/v1/accounts/${blueAcc.id}`, { label: 'x' }, { token: viewer.token }),
      403,
    );
    const redAdmin = await json(
      t.call('POST', '/api/v1/tokens', { name: 'red', role: 'team_admin', teamIds: [red.id] }),
    );
    await expectProblem(
      await t.call('GET', `/api/v1/accounts/${blueAcc.id}`, undefined, { token: redAdmin.token }),
      404,
    );
    const list = await json(t.call('GET', '/api/v1/accounts', undefined, { token: redAdmin.token }));
    expect(list.items.map((a: { id: string }) => a.id)).not.toContain(blueAcc.id);
    await expectProblem(await t.call('GET', '/api/v1/users', undefined, { token: redAdmin.token }), 403);
    const tokens = await (await t.call('GET', '/api/v1/tokens')).text();
    expect(tokens).not.toContain(viewer.token);
    expect((await t.call('DELETE', `/api/v1/tokens/${viewer.id}`)).status).toBe(200);
    await expectProblem(await t.call('GET', '/api/v1/accounts', undefined, { token: viewer.token }), 401);
  });

  it('requires the CSRF token on cookie-authenticated changes and a session for everything', async () => {
    await expectProblem(await t.call('POST', '/api/v1/teams', { name: 'No csrf' }, { noCsrf: true }), 403);
    await expectProblem(await t.app.request('/api/v1/accounts'), 401);
    const me = await json(t.call('GET', '/api/v1/auth/me'));
    expect(me.user.email).toBe('admin@example.com');
    const bad = await t.app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'wrong password' }),
    });
    await expectProblem(bad, 401);
  });

  it('publishes the OpenAPI document, the docs page and health endpoints', async () => {
    const doc = await json(t.app.request('/api/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/accounts', '/api/v1/accounts/{id}/stage', '/api/v1/defaults']),
    );
    expect((await t.app.request('/api/docs')).status).toBe(200);
    expect((await t.app.request('/healthz')).status).toBe(200);
    expect((await t.app.request('/readyz')).status).toBe(200);
    const csv = await t.call('GET', '/api/v1/reports/accounts.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toMatch(/^id,name,label,purpose,team,stage,health/);
    const delivery = await json(t.call('GET', '/api/v1/reports/delivery?groupBy=day'));
    expect(delivery).toMatchObject({ groupBy: 'day', rows: [], totals: { total: 0 } });
    await expectProblem(await t.call('GET', '/api/v1/reports/delivery?from=yesterday'), 400, 'from');
    const inbox = await json(t.call('GET', '/api/v1/inbox'));
    expect(inbox).toMatchObject({ items: [], total: 0 });
    const outgoingOnly = (await json(t.call('GET', '/api/v1/accounts'))).items[0].id;
    await expectProblem(await t.call('POST', `/api/v1/accounts/${outgoingOnly}/fetch`), 422, 'incoming');
    const metrics = await t.call('GET', '/metrics');
    expect(await metrics.text()).toContain('mailroom_accounts{stage="active"');
  });
});

describe('accounts API on Postgres under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('postgres');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers two simultaneous creates of one name with 201 and 409 naming the field, never 500', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `Twin ${round}`;
      const responses = await Promise.all(
        [0, 1].map(() => t.call('POST', '/api/v1/accounts', { ...account, name })),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409]);
      const conflict = responses.find((r) => r.status === 409)!;
      await expectProblem(conflict, 409, 'name');
    }
  });

  it('stops password guessing after ten failures, even sent in parallel', async () => {
    const attempt = () =>
      t.app.request('/api/v1/auth/login', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `10.0.0.${Math.floor(Math.random() * 250)}`,
        },
        body: JSON.stringify({ email: 'admin@example.com', password: 'not the password' }),
      });
    const statuses = (await Promise.all(Array.from({ length: 14 }, attempt))).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });
});
