import { createServer, type Server } from 'node:net';
import { connectionTestResultSchema, listOf, logEntrySchema, problemSchema } from '@mailroom/core';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

const PASSWORD = 'Api-Secret-pw-31';
const USER = 'sales@example.com';

describe('connection tests and the Main Log through the API', () => {
  let t: TestApp;
  let mock: MockMailServer;
  let accountId: string;
  const smtp = (port: number, password: string | null = PASSWORD) => ({
    transport: 'smtp',
    host: '127.0.0.1',
    port,
    security: 'starttls',
    allowInvalidCertificates: true,
    auth: { method: 'password', username: USER, ...(password === null ? {} : { password }) },
    from: { address: USER },
  });
  beforeAll(async () => {
    t = await createTestApp();
    t.env.base.config.timeouts = { connectMs: 1000, greetingMs: 500, commandMs: 1000 };
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      httpPort: false,
      users: { [USER]: PASSWORD },
    });
    const res = await t.call('POST', '/api/v1/accounts', {
      name: 'Sales outbound',
      debug: true,
      outgoing: smtp(mock.smtpPort),
    });
    expect(res.status).toBe(201);
    accountId = (await json(res)).id;
  });
  afterAll(async () => {
    await mock?.close();
    await t?.close();
  });

  it('POST /accounts/:id/test answers the steps and updates the account', async () => {
    const res = await t.call('POST', `/api/v1/accounts/${accountId}/test`, { direction: 'outgoing' });
    expect(res.status).toBe(200);
    const body = connectionTestResultSchema.parse(await json(res));
    expect(body.ok).toBe(true);
    expect(body.steps.map((s) => s.step)).toEqual([
      'resolve',
      'connect',
      'greeting',
      'capabilities',
      'tls',
      'capabilities',
      'authenticate',
      'check',
    ]);
    const account = await json(t.call('GET', `/api/v1/accounts/${accountId}`));
    expect(account).toMatchObject({ health: 'ok', lastTest: { outgoing: { ok: true } } });
    const timeline = await json(t.call('GET', `/api/v1/accounts/${accountId}/timeline`));
    // The test, and the change of health it made (unknown → ok), by the admin who ran it.
    expect(timeline.items.slice(0, 2)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'tested', actor: 'admin@example.com' }),
        expect.objectContaining({ type: 'health_changed', summary: 'Health: ok — Outgoing test passed' }),
      ]),
    );
  });

  it('POST /connection-tests fails a closed port as "refused" at the connect step, not as a timeout', async () => {
    const closed: Server = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const res = await t.call('POST', '/api/v1/connection-tests', {
      direction: 'outgoing',
      outgoing: smtp(port),
    });
    expect(res.status).toBe(200);
    const body = connectionTestResultSchema.parse(await json(res));
    expect(body).toMatchObject({
      ok: false,
      error: { code: 'refused', hint: expect.stringContaining('port') },
    });
    // Answered by the refusal itself, not by waiting out the connect timeout (which would be 'timeout'):
    // the connect step failed and nothing after it ran.
    expect(body.steps.at(-1)).toMatchObject({ step: 'connect', ok: false });
  });

  it("POST /connection-tests says a failed TLS handshake in a sentence, OpenSSL's own words only as its detail", async () => {
    // Implicit TLS to a port that speaks plain SMTP: OpenSSL reads the greeting as a TLS record.
    const res = await t.call('POST', '/api/v1/connection-tests', {
      direction: 'outgoing',
      outgoing: { ...smtp(mock.smtpPort), security: 'tls' },
    });
    expect(res.status).toBe(200);
    const body = connectionTestResultSchema.parse(await json(res));
    const sentence =
      'The server did not answer in TLS (127.0.0.1): this port probably expects a plain connection or STARTTLS.';
    expect(body.error).toMatchObject({
      code: 'tls',
      message: sentence,
      detail: expect.stringMatching(/SSL routines|wrong version number/),
    });
    expect(body.steps.at(-1)).toMatchObject({ step: 'tls', ok: false, detail: { message: sentence } });
    // The raw text is in the error's detail and nowhere else.
    expect(JSON.stringify({ ...body, error: { ...body.error, detail: '' } })).not.toMatch(
      /SSL routines|0A0000/,
    );
  });

  it('POST /connection-tests reuses the stored password only for the same host and port', async () => {
    const same = await json(
      t.call('POST', '/api/v1/connection-tests', {
        accountId,
        direction: 'outgoing',
        outgoing: smtp(mock.smtpPort, null),
      }),
    );
    expect(same.ok).toBe(true);
    const moved = await t.call('POST', '/api/v1/connection-tests', {
      accountId,
      direction: 'outgoing',
      outgoing: smtp(mock.smtpPort + 1, null),
    });
    expect(moved.status).toBe(422);
    const problem = problemSchema.parse(await json(moved));
    expect(problem).toMatchObject({ code: 'secret_required', errors: [{ path: 'outgoing.auth.password' }] });
  });

  it('names the bad field', async () => {
    const res = await t.call('POST', `/api/v1/accounts/${accountId}/test`, { direction: 'up' });
    expect(res.status).toBe(400);
    expect((await json(res)).errors[0].path).toBe('direction');
  });

  it('GET /logs filters by field, text and the condition builder, newest first', async () => {
    const auth = await json(t.call('GET', `/api/v1/logs?accountId=${accountId}&source=smtp_auth`));
    listOf(logEntrySchema).parse(auth);
    expect(auth.total).toBeGreaterThanOrEqual(2);
    expect(auth.items[0].message).toMatch(/SMTP authentication as sales@example.com succeeded/);
    const filter = encodeURIComponent(
      JSON.stringify({
        all: [
          { field: 'level', op: 'eq', value: 'debug' },
          { field: 'message', op: 'contains', value: 'AUTH' },
        ],
      }),
    );
    const debug = await json(
      t.call('GET', `/api/v1/logs?accountId=${accountId}&filter=${filter}&pageSize=100`),
    );
    expect(debug.items.map((i: { message: string }) => i.message)).toContain('C: AUTH PLAIN *****');
    const times = debug.items.map((i: { at: string }) => i.at);
    expect([...times].sort().reverse()).toEqual(times);
    const bad = await t.call(
      'GET',
      `/api/v1/logs?filter=${encodeURIComponent('{"all":[{"field":"level","op":"like","value":1}]}')}`,
    );
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0].path).toMatch(/^filter/);
  });

  it('never returns or logs the password, in clear or base64', async () => {
    const logs = await (await t.call('GET', '/api/v1/logs?pageSize=500')).text();
    const timeline = await (await t.call('GET', `/api/v1/accounts/${accountId}/timeline`)).text();
    for (const form of [
      PASSWORD,
      Buffer.from(PASSWORD).toString('base64'),
      Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'),
    ]) {
      expect(logs).not.toContain(form);
      expect(timeline).not.toContain(form);
    }
  });
});
