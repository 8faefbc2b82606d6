import {
  bulkResultSchema,
  listOf,
  messageViewSchema,
  problemSchema,
  runWorker,
  verificationConfirmedSchema,
  verificationStartedSchema,
} from '@mailroom/core';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

/** Runs the outbox worker until `done()` holds, checked at the start and after each outcome it records. */
async function drainUntil(t: TestApp, done: () => Promise<boolean>, timeoutMs = 10_000) {
  const abort = new AbortController();
  let check = () => {};
  const worker = runWorker({
    base: t.env.base,
    workerId: 'api-test',
    signal: abort.signal,
    pollMs: 20,
    policy: { backoffBaseMs: 20, backoffMaxMs: 100 },
    onEvent: (e) => {
      if (e.type === 'recorded' || e.type === 'idle') check();
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error('timed out waiting for the worker')), timeoutMs);
      let checking: Promise<void> = Promise.resolve();
      let finished = false;
      const finish = (err?: unknown) => {
        finished = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      let queued = false;
      check = () => {
        // One check at a time; events during a check queue one more after it.
        if (queued) return;
        queued = true;
        checking = checking
          .then(async () => {
            queued = false;
            if (!finished && (await done())) finish();
          })
          .catch(finish);
      };
      check();
    });
  } finally {
    abort.abort();
    await worker;
  }
}

describe('sending and verification through the API, against the mock mail server', () => {
  let t: TestApp;
  let mock: MockMailServer;
  let accountId: string;
  beforeAll(async () => {
    t = await createTestApp();
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: 0 });
    const res = await t.call('POST', '/api/v1/accounts', {
      name: 'Mock outbound',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: mock.smtpPort,
        security: 'none',
        from: { address: 'sales@example.com', name: 'Sales' },
        sendMode: 'queued',
      },
    });
    expect(res.status).toBe(201);
    accountId = (await json(res)).id;
  });
  afterEach(async () => {
    await mock.reset();
  });
  afterAll(async () => {
    await mock?.close();
    await t?.close();
  });

  it('queues a message (202), delivers it, and shows its attempts', async () => {
    const res = await t.call('POST', '/api/v1/messages', {
      accountId,
      to: ['alice@example.org'],
      subject: 'Quarterly report',
      text: 'Attached.',
    });
    expect(res.status).toBe(202);
    const queued = messageViewSchema.parse(await res.json());
    expect(queued).toMatchObject({ status: 'queued', accountId, route: { reason: 'account_id' } });
    await drainUntil(
      t,
      async () => (await json(t.call('GET', `/api/v1/messages/${queued.id}`))).status === 'sent',
    );
    const sent = messageViewSchema.parse(await json(t.call('GET', `/api/v1/messages/${queued.id}`)));
    expect(sent.attempts?.[0]).toMatchObject({ ok: true });
    expect(sent.attempts?.[0]?.reply).toMatch(/^250 /);
    const got = await mock.waitFor({ subject: 'Quarterly report', timeoutMs: 5000 });
    expect(got.messageId).toBe(sent.messageId);
    const list = listOf(messageViewSchema).parse(
      await json(t.call('GET', '/api/v1/messages?status=sent&q=quarterly')),
    );
    expect(list.items.map((m) => m.id)).toContain(queued.id);
  });

  it('answers an immediate send that the server refuses with a 502 problem carrying class, reply and message id', async () => {
    mock.faults.set([{ stage: 'rcpt', code: 550, message: 'User unknown' }]);
    const res = await t.call('POST', '/api/v1/messages', {
      accountId,
      to: ['ghost@example.org'],
      subject: 'Hello',
      text: 'Hi',
      mode: 'immediate',
    });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = await json(res);
    problemSchema.parse(body);
    expect(body).toMatchObject({
      code: 'delivery_failed',
      errorClass: 'rejected',
      status: 502,
      responseCode: 550,
      messageStatus: 'failed',
    });
    expect(body.reply).toContain('User unknown');
    const stored = await json(t.call('GET', `/api/v1/messages/${body.messageId}`));
    expect(stored.status).toBe('failed');
  });

  it('replays an Idempotency-Key (200, same message) and refuses it for another body (409)', async () => {
    const created = await t.call('POST', '/api/v1/tokens', { name: 'integration', role: 'admin' });
    expect(created.status).toBe(201);
    const { token } = await json(created);
    const msg = { accountId, to: ['bob@example.org'], subject: 'Once', text: 'only once' };
    const post = (body: unknown) =>
      t.app.request('/api/v1/messages', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': 'k-1',
        },
        body: JSON.stringify(body),
      });
    const first = await post(msg);
    expect(first.status).toBe(202);
    const again = await post(msg);
    expect(again.status).toBe(200);
    expect((await json(again)).id).toBe((await json(first)).id);
    const other = await post({ ...msg, subject: 'Twice' });
    expect(other.status).toBe(409);
    expect((await json(other)).code).toBe('idempotency_conflict');
  });

  it('queues bulk mail with variables', async () => {
    const res = await t.call('POST', '/api/v1/messages/bulk', {
      accountId,
      subject: 'Hello {{name}}',
      text: 'Hi {{name}}',
      recipients: [
        { to: 'a@example.org', variables: { name: 'Ann' } },
        { to: 'b@example.org', variables: { name: 'Ben' } },
      ],
    });
    expect(res.status).toBe(202);
    const bulk = bulkResultSchema.parse(await res.json());
    expect(bulk.count).toBe(2);
    await drainUntil(
      t,
      async () =>
        (await json(t.call('GET', `/api/v1/messages?bulkId=${bulk.bulkId}&status=sent`))).total === 2,
    );
    expect((await mock.waitFor({ to: 'b@example.org', timeoutMs: 5000 })).subject).toBe('Hello Ben');
  });

  it('verifies an account by the code read back from the mock server, with a distinct error for each wrong case', async () => {
    const start = await t.call('POST', `/api/v1/accounts/${accountId}/verification`, {
      to: 'admin@example.org',
    });
    expect(start.status).toBe(202);
    const started = verificationStartedSchema.parse(await start.json());
    expect(started.sentTo).toBe('admin@example.org');
    // Read back over the mock server's HTTP API, as a test suite in another language would.
    const latest = await fetch(`${mock.httpUrl}/api/codes/latest?to=admin@example.org&timeoutMs=5000`);
    expect(latest.status).toBe(200);
    const { code } = (await latest.json()) as { code: string };
    expect(code).toMatch(/^\d{6}$/);

    const again = await t.call('POST', `/api/v1/accounts/${accountId}/verification`, {
      to: 'admin@example.org',
    });
    expect(again.status).toBe(429);
    expect((await json(again)).code).toBe('rate_limited');

    const wrong = await t.call('POST', `/api/v1/accounts/${accountId}/verification/confirm`, {
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(422);
    expect(await json(wrong)).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });
    const malformed = await t.call('POST', `/api/v1/accounts/${accountId}/verification/confirm`, {
      code: '12ab',
    });
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).errors[0].path).toBe('code');

    const ok = await t.call('POST', `/api/v1/accounts/${accountId}/verification/confirm`, { code });
    expect(ok.status).toBe(200);
    verificationConfirmedSchema.parse(await ok.json());
    const account = await json(t.call('GET', `/api/v1/accounts/${accountId}`));
    expect(account.outgoing.verifiedAt).not.toBeNull();
    const timeline = await json(t.call('GET', `/api/v1/accounts/${accountId}/timeline`));
    const types = (timeline.items ?? timeline).map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['verification_sent', 'verified']));

    const reused = await t.call('POST', `/api/v1/accounts/${accountId}/verification/confirm`, { code });
    expect(reused.status).toBe(422);
    expect((await json(reused)).code).toBe('code_used');
    // The code never lands in the database in clear: the journal keeps the mail with the code masked.
    const internal = await json(t.call('GET', `/api/v1/messages?internal=true&q=verification`));
    expect(JSON.stringify(internal)).not.toContain(code);
  });
});
