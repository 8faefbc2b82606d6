import { accountViewSchema, fetchResultSchema, listOf } from '@mailroom/core';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

const USER = 'ops@example.org';
const PASSWORD = 'Api-Health-pw-5';

describe('health from real traffic through the API', () => {
  let t: TestApp;
  let mock: MockMailServer;
  const pop3 = (password: string) => ({
    protocol: 'pop3',
    host: '127.0.0.1',
    port: mock.pop3Port,
    security: 'none',
    auth: { method: 'password', username: USER, password },
    pollIntervalSec: 60,
  });
  const smtp = (password: string) => ({
    transport: 'smtp',
    host: '127.0.0.1',
    port: mock.smtpPort,
    security: 'none',
    auth: { method: 'password', username: USER, password },
    from: { address: USER },
  });
  beforeAll(async () => {
    t = await createTestApp();
    mock = await startMockMailServer({ smtpsPort: false, httpPort: false, users: { [USER]: PASSWORD } });
  });
  afterAll(async () => {
    await mock?.close();
    await t?.close();
  });

  it('POST /accounts/:id/fetch feeds the account: health, the last failed fetch with its class, the list too', async () => {
    const created = await json(
      t.call('POST', '/api/v1/accounts', { name: 'Ops inbox', incoming: pop3('wrong') }),
    );
    const res = await t.call('POST', `/api/v1/accounts/${created.id}/fetch`);
    expect(res.status).toBe(200);
    expect(fetchResultSchema.parse(await json(res)).error?.code).toBe('auth');

    const view = accountViewSchema.parse(await json(t.call('GET', `/api/v1/accounts/${created.id}`)));
    expect(view.health).toBe('auth_failed');
    expect(view.sending).toBeNull();
    expect(view.fetching).toMatchObject({
      health: { health: 'auth_failed' },
      lastOk: null,
      lastFailed: { errorCode: 'auth', reply: expect.stringContaining('-ERR') },
      failuresInARow: 1,
    });
    const list = listOf(accountViewSchema).parse(
      await json(t.call('GET', '/api/v1/accounts?health=auth_failed')),
    );
    expect(list.items.map((a) => [a.name, a.fetching?.lastFailed?.errorCode])).toEqual([
      ['Ops inbox', 'auth'],
    ]);
  });

  it("a fetch and a saved test that fail the TLS handshake keep OpenSSL's line as detail, under the sentence", async () => {
    // Implicit TLS to the plain POP3 port: OpenSSL reads the greeting as a TLS record.
    const created = await json(
      t.call('POST', '/api/v1/accounts', {
        name: 'Ops TLS',
        incoming: { ...pop3(PASSWORD), security: 'tls' },
      }),
    );
    const sentence = expect.stringMatching(/^The server did not answer in TLS/);
    const detail = expect.stringMatching(/SSL routines.*wrong version number/);
    const fetched = fetchResultSchema.parse(
      await json(t.call('POST', `/api/v1/accounts/${created.id}/fetch`)),
    );
    expect(fetched.error).toMatchObject({ code: 'tls', message: sentence, detail });
    const tested = await t.call('POST', `/api/v1/accounts/${created.id}/test`, { direction: 'incoming' });
    expect(tested.status).toBe(200);
    const view = accountViewSchema.parse(await json(t.call('GET', `/api/v1/accounts/${created.id}`)));
    expect(view.fetching?.lastFailed).toMatchObject({ errorCode: 'tls', summary: sentence, detail });
    expect(view.lastTest.incoming).toMatchObject({ ok: false, errorCode: 'tls', message: sentence, detail });
    // The OpenAPI document names the field where the views have it.
    const doc = JSON.stringify(await json(t.app.request('/api/openapi.json')));
    expect(doc).toContain("The library's own words behind `summary`, verbatim and redacted");
    expect(doc).toContain("The library's own words behind `message`, verbatim and redacted");
  });

  it('counts a test run on unsaved settings when the account is then created with them', async () => {
    const tested = await json(
      t.call('POST', '/api/v1/connection-tests', { direction: 'outgoing', outgoing: smtp(PASSWORD) }),
    );
    expect(tested.ok).toBe(true);
    const created = accountViewSchema.parse(
      await json(t.call('POST', '/api/v1/accounts', { name: 'Ops outbound', outgoing: smtp(PASSWORD) })),
    );
    expect(created.health).toBe('ok');
    expect(created.lastTest.outgoing).toMatchObject({ ok: true });
    expect(created.sending).toMatchObject({ health: { health: 'ok', reason: 'Outgoing test passed' } });
  });
});
