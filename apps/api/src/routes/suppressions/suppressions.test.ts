import {
  cursorListOf,
  messageViewSchema,
  problemSchema,
  suppressionImportResultSchema,
  suppressionViewSchema,
} from '@mailroom/core';
import { backends } from '@mailroom/core/testing';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

describe.each(backends)('suppressions through the API on %s', (backend) => {
  let t: TestApp;
  let mock: MockMailServer;
  beforeAll(async () => {
    t = await createTestApp(backend);
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: false });
  });
  afterAll(async () => {
    await mock?.close();
    await t?.close();
  });

  async function csvImport(csv: string, contentType = 'text/csv') {
    const res = await t.call('POST', '/api/v1/suppressions/import', undefined);
    expect(res.status).toBe(400); // no body, no text/csv
    return t.app.request('/api/v1/suppressions/import', {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${await adminToken()}` },
      body: csv,
    });
  }
  let token: string | undefined;
  async function adminToken() {
    token ??= (await json(t.call('POST', '/api/v1/tokens', { name: 'importer', role: 'admin' })))
      .token as string;
    return token;
  }

  it('adds, lists with search, exports, imports line by line and removes; bad input names the field', async () => {
    const res = await t.call('POST', '/api/v1/suppressions', {
      address: 'Nobody@Example.org',
      detail: 'asked',
    });
    expect(res.status).toBe(201);
    const added = suppressionViewSchema.parse(await res.json());
    expect(added).toMatchObject({ address: 'nobody@example.org', reason: 'manual', source: 'manual' });
    expect((await t.call('POST', '/api/v1/suppressions', { address: 'nobody@example.org' })).status).toBe(
      409,
    );
    const bad = problemSchema.parse(await json(t.call('POST', '/api/v1/suppressions', { address: 'nope' })));
    expect(bad.status).toBe(400);
    expect(bad.errors?.[0]?.path).toBe('address');

    const imported = await csvImport(
      'address,reason\nx@example.org,hard_bounce\nbroken\nnobody@example.org\n',
    );
    expect(imported.status).toBe(200);
    const r = suppressionImportResultSchema.parse(await imported.json());
    expect(r.added).toBe(1);
    expect(r.invalid).toEqual([expect.objectContaining({ line: 3 })]);
    expect(r.skipped).toEqual([expect.objectContaining({ line: 4, address: 'nobody@example.org' })]);
    expect((await csvImport('x@example.org', 'application/json')).status).toBe(400);

    const list = cursorListOf(suppressionViewSchema).parse(
      await json(t.call('GET', '/api/v1/suppressions?q=x@ex')),
    );
    expect(list.items.map((i) => i.address)).toEqual(['x@example.org']);
    const exported = await t.call('GET', '/api/v1/suppressions/export');
    expect(exported.headers.get('content-type')).toContain('text/csv');
    expect(await exported.text()).toContain('x@example.org,hard_bounce,system,import');

    expect((await t.call('DELETE', `/api/v1/suppressions/${added.id}`)).status).toBe(204);
    expect((await t.call('DELETE', `/api/v1/suppressions/${added.id}`)).status).toBe(404);
  });

  it('viewers read the list but cannot change it', async () => {
    const viewer = (await json(t.call('POST', '/api/v1/tokens', { name: 'viewer', role: 'viewer' }))).token;
    expect((await t.call('GET', '/api/v1/suppressions', undefined, { token: viewer })).status).toBe(200);
    expect(
      (await t.call('POST', '/api/v1/suppressions', { address: 'v@example.org' }, { token: viewer })).status,
    ).toBe(403);
  });

  it('a send skips suppressed recipients and says why; with all of them suppressed it is a 422 and nothing goes out', async () => {
    const acc = await json(
      t.call('POST', '/api/v1/accounts', {
        name: `Mock ${backend}`,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          from: { address: 'sales@example.com' },
          sendMode: 'immediate',
        },
      }),
    );
    await t.call('POST', '/api/v1/suppressions', { address: 'gone@example.org', reason: 'hard_bounce' });
    const res = await t.call('POST', '/api/v1/messages', {
      accountId: acc.id,
      to: ['gone@example.org', 'here@example.org'],
      subject: 'hi',
      text: 'hi',
    });
    expect(res.status).toBe(200);
    const m = messageViewSchema.parse(await res.json());
    expect(m.status).toBe('partially_sent');
    expect(m.recipients[0]).toMatchObject({ status: 'suppressed', suppression: { reason: 'hard_bounce' } });
    expect(mock.messages().map((x) => x.envelope.rcptTo)).toEqual([['here@example.org']]);

    const all = await t.call('POST', '/api/v1/messages', {
      accountId: acc.id,
      to: ['gone@example.org'],
      subject: 'hi',
      text: 'hi',
    });
    expect(all.status).toBe(422);
    const p = await json(all);
    expect(p.code).toBe('all_recipients_suppressed');
    expect(p.errors[0].message).toContain('gone@example.org is suppressed (hard_bounce)');
    const stored = messageViewSchema.parse(await json(t.call('GET', `/api/v1/messages/${p.messageId}`)));
    expect(stored.status).toBe('failed');
    expect(stored.recipients[0]!.events).toEqual([expect.objectContaining({ state: 'suppressed' })]);
    expect(mock.messages()).toHaveLength(1);
  });
});
