import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getAccount, listTimeline } from '../accounts';
import { testAccount } from '../connection';
import { queryLogs } from '../logs';
import { sendMessage } from '../outbox';
import { mockAccount } from '../outbox/testkit';
import { backends, createTestEnv, type TestEnv } from '../testing';

const USER = 'sales@example.com';
const PASSWORD = 'Send-health-pw-7';

describe.each(backends)('sends feed the account health on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({ smtpsPort: false, pop3Port: false, httpPort: false });
  });
  afterEach(async () => {
    await mock.reset();
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  const account = () =>
    mockAccount(env.ctx, mock, { auth: { method: 'password', username: USER, password: PASSWORD } });
  const send = (accountId: string) =>
    sendMessage({
      ctx: env.ctx,
      input: { accountId, to: ['alice@example.org'], subject: 'Hello', text: 'Hi', mode: 'immediate' },
    });
  const authRows = async (accountId: string) =>
    (
      await queryLogs({
        ctx: env.ctx,
        input: {
          accountId,
          filter: {
            all: [
              { field: 'source', op: 'eq', value: 'smtp_auth' },
              { field: 'level', op: 'eq', value: 'error' },
            ],
          },
        },
      })
    ).items;

  it('a refused login on a send is auth_failed at once, with the last failed send and an smtp_auth error row', async () => {
    const acc = await account();
    mock.faults.set([{ stage: 'auth', code: 535, message: '5.7.8 Authentication credentials invalid' }]);
    const res = await send(acc.id);
    expect(res.outcome).toBe('failed');
    const view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.health).toBe('auth_failed');
    expect(view.healthReason).toMatch(/^Outgoing: a delivery failed \(auth\): /);
    expect(view.sending).toMatchObject({
      health: { health: 'auth_failed' },
      lastOk: null,
      lastFailed: { errorCode: 'auth', responseCode: 535, messageId: res.message.id },
      failuresInARow: 1,
      pausedUntil: null,
    });
    expect(view.sending?.lastFailed?.reply).toContain('5.7.8 Authentication credentials invalid');
    const rows = await authRows(acc.id);
    expect(rows.map((r) => r.message)).toEqual([
      expect.stringMatching(
        /^SMTP authentication as sales@example\.com failed on 127\.0\.0\.1:\d+ when sending \(message .+\): The server refused the username or password \(535 5\.7\.8 Authentication credentials invalid\)$/,
      ),
    ]);
    expect(JSON.stringify([view, rows])).not.toContain(PASSWORD);

    // It works again: the next send makes the account ok, and both facts stay visible.
    mock.faults.clear();
    expect((await send(acc.id)).outcome).toBe('sent');
    const after = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(after.health).toBe('ok');
    expect(after.sending).toMatchObject({
      health: { health: 'ok', reason: 'Outgoing: deliveries work' },
      lastOk: { errorCode: null, summary: '1 recipient accepted', reply: expect.stringMatching(/^250/) },
      lastFailed: { errorCode: 'auth' },
      failuresInARow: 0,
    });
    const events = (await listTimeline({ ctx: env.ctx, id: acc.id }))
      .filter((e) => e.type === 'health_changed')
      .map((e) => e.summary)
      .reverse();
    expect(events).toEqual([
      expect.stringMatching(/^Health: auth failed — Outgoing: a delivery failed \(auth\): /),
      'Health: ok — Outgoing: deliveries work',
    ]);
  });

  it("a test's refused login is an smtp_auth error row too: the seed's filter finds both", async () => {
    const acc = await account();
    mock.faults.set([{ stage: 'auth', code: 535, message: '5.7.8 Authentication credentials invalid' }]);
    await testAccount({ ctx: env.ctx, id: acc.id, input: { direction: 'outgoing' } });
    await send(acc.id);
    const rows = await authRows(acc.id);
    expect(rows.map((r) => r.message)).toEqual([
      expect.stringContaining('when sending'),
      expect.stringMatching(/^SMTP authentication as sales@example\.com failed/),
    ]);
  });

  it('a connection failure below the breaker threshold is degraded, not failing', async () => {
    const acc = await account();
    mock.faults.set([{ stage: 'connect', code: 421, message: 'Too busy' }]);
    await send(acc.id);
    const view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.health).toBe('degraded');
    expect(view.sending).toMatchObject({ failuresInARow: 1, lastFailed: { responseCode: 421 } });
    expect(await authRows(acc.id)).toEqual([]);
  });
});
