import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { webhookEndpoints } from '../db/schema';
import { fetchAccount } from '../incoming/fetchAccount';
import { sendMessage } from '../outbox/sendMessage';
import { mockAccount, runUntilStatus } from '../outbox/testkit';
import {
  backends,
  createTestEnv,
  startWebhookReceiver,
  type TestEnv,
  type WebhookReceiver,
} from '../testing';
import { confirmVerification } from '../verification/confirmVerification';
import { startVerification } from '../verification/startVerification';
import { createWebhook } from './createWebhook';
import { runDispatcher } from './runDispatcher';

describe.each(backends)('events at their source on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  let receiver: WebhookReceiver;
  let stop: () => Promise<void> = async () => {};

  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: 0, httpPort: false });
  });
  afterEach(async () => {
    await stop();
    await receiver?.close();
    await mock.reset();
    await env.ctx.db.delete(webhookEndpoints);
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  async function listen(eventTypes: 'all' | string[] = 'all') {
    receiver = await startWebhookReceiver();
    const hook = await createWebhook({
      ctx: env.ctx,
      input: { url: receiver.url, eventTypes: eventTypes as 'all' },
    });
    receiver.secrets = [hook.secret];
    const abort = new AbortController();
    const done = runDispatcher({ base: env.base, workerId: 'events-test', signal: abort.signal, pollMs: 20 });
    stop = async () => {
      abort.abort();
      await done;
    };
  }
  const ofType = (type: string) =>
    receiver.received.filter((r) => r.payload?.type === type).map((r) => r.payload);

  it('an outbox send says queued, deferred, then sent; a refused one says failed', async () => {
    await listen();
    const account = await mockAccount(env.ctx, mock);
    mock.faults.set([{ stage: 'rcpt', code: 451, message: 'Greylisted, try later', count: 1 }]);
    const sent = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        to: ['a@example.com'],
        subject: 'Hello',
        text: 'Secret body',
        mode: 'queued',
      },
    });
    await runUntilStatus(env, sent.message.id, ['sent']);
    mock.faults.set([{ stage: 'rcpt', code: 550, message: 'No such user here' }]);
    const refused = await sendMessage({
      ctx: env.ctx,
      input: { accountId: account.id, to: ['b@example.com'], subject: 'Hello', text: 'x', mode: 'queued' },
    });
    await runUntilStatus(env, refused.message.id, ['failed']);
    await receiver.until(
      () =>
        ofType('message.queued').length === 2 &&
        ofType('message.sent').length === 1 &&
        ofType('message.deferred').length === 1 &&
        ofType('message.failed').length === 1,
    );
    expect(ofType('message.queued')[0]?.data).toMatchObject({
      messageId: sent.message.id,
      status: 'queued',
      recipients: [{ address: 'a@example.com', status: 'pending' }],
    });
    const [deferred] = ofType('message.deferred');
    expect(deferred?.data).toMatchObject({
      messageId: sent.message.id,
      status: 'deferred',
      error: { code: 'rejected' },
    });
    expect(ofType('message.sent')[0]?.data).toMatchObject({
      messageId: sent.message.id,
      status: 'sent',
      recipients: [{ address: 'a@example.com', status: 'accepted' }],
    });
    expect(ofType('message.failed')[0]?.data).toMatchObject({
      messageId: refused.message.id,
      status: 'failed',
    });
    // Ids and recipients, never the body or the subject.
    expect(receiver.received.some((r) => r.body.includes('Secret body') || r.body.includes('Hello'))).toBe(
      false,
    );
    expect(receiver.received.every((r) => r.verifiedWith === 0)).toBe(true);
  });

  it('verification says account.verified; a fetch says inbound.received and the health change', async () => {
    await listen(['inbound.received', 'account.health_changed', 'account.verified']);
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: `Both ways ${backend}`,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          from: { address: 'ops@example.org' },
        },
        incoming: {
          protocol: 'pop3',
          host: '127.0.0.1',
          port: mock.pop3Port,
          security: 'none',
          auth: { method: 'password', username: 'ops@example.org', password: 'any-password-1' },
          afterFetch: 'keep',
        },
      },
    });
    await startVerification({ ctx: env.ctx, id: account.id, input: { to: 'ops@example.org' } });
    const code = await mock.waitForCode({ to: 'ops@example.org', timeoutMs: 10_000 });
    await confirmVerification({ ctx: env.ctx, id: account.id, input: { code } });
    const fetched = await fetchAccount({ ctx: env.ctx, id: account.id });
    expect(fetched.fetched).toBe(1);
    await receiver.until(
      () =>
        ofType('account.verified').length === 1 &&
        ofType('inbound.received').length === 1 &&
        ofType('account.health_changed').some((p) => p?.data.to === 'ok'),
    );
    expect(ofType('account.verified')[0]?.data).toMatchObject({ accountId: account.id });
    expect(ofType('inbound.received')[0]?.data).toMatchObject({
      accountId: account.id,
      to: ['ops@example.org'],
    });
    expect(JSON.stringify(ofType('inbound.received'))).not.toContain(code);
    expect(receiver.received.some((r) => r.payload?.type.startsWith('message.'))).toBe(false);
  });
});
