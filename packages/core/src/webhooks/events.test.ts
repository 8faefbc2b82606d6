import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhookEndpoints } from '../db/schema';
import { sendMessage } from '../outbox/sendMessage';
import { mockAccount, runUntilStatus } from '../outbox/testkit';
import {
  backends,
  createTestEnv,
  startWebhookReceiver,
  type TestEnv,
  type WebhookReceiver,
} from '../testing';
import { createWebhook } from './createWebhook';
import { runDispatcher } from './runDispatcher';

describe.each(backends)('events at their source on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  let receiver: WebhookReceiver;
  let stop: () => Promise<void> = async () => {};

  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: false });
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
      id: sent.message.id,
      status: 'queued',
      recipients: [{ address: 'a@example.com', status: 'pending' }],
    });
    const [deferred] = ofType('message.deferred');
    expect(deferred?.data).toMatchObject({
      id: sent.message.id,
      status: 'deferred',
      error: { code: 'rejected' },
    });
    expect(ofType('message.sent')[0]?.data).toMatchObject({
      id: sent.message.id,
      status: 'sent',
      recipients: [{ address: 'a@example.com', status: 'accepted' }],
    });
    expect(ofType('message.failed')[0]?.data).toMatchObject({ id: refused.message.id, status: 'failed' });
    // Ids and recipients, never the body or the subject.
    expect(receiver.received.some((r) => r.body.includes('Secret body') || r.body.includes('Hello'))).toBe(
      false,
    );
    expect(receiver.received.every((r) => r.verifiedWith === 0)).toBe(true);
  });
});
