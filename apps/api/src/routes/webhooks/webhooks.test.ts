import { runDispatcher, webhookDeliverySchema, webhookSchema, webhookWithSecretSchema } from '@mailroom/core';
import { backends, startWebhookReceiver, type WebhookReceiver } from '@mailroom/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

describe.each(backends)('webhooks over HTTP on %s', (backend) => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    t = await createTestApp(backend);
    receiver = await startWebhookReceiver();
    const abort = new AbortController();
    const done = runDispatcher({ base: t.env.base, workerId: 'api-test', signal: abort.signal, pollMs: 20 });
    stop = async () => {
      abort.abort();
      await done;
    };
  });
  afterAll(async () => {
    await stop?.();
    await receiver?.close();
    await t?.close();
  });

  it('creates, lists, tests, shows attempts, replays, rotates, changes and deletes an endpoint', async () => {
    const created = await t.call('POST', '/api/v1/webhooks', {
      url: receiver.url,
      description: 'CRM',
      eventTypes: ['message.sent', 'message.failed'],
    });
    expect(created.status).toBe(201);
    const hook = webhookWithSecretSchema.parse(await created.json());
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(hook).toMatchObject({
      enabled: true,
      eventTypes: ['message.sent', 'message.failed'],
      teamId: null,
    });
    receiver.secrets = [hook.secret];

    const list = await t.call('GET', '/api/v1/webhooks');
    const listed = await list.text();
    expect(listed).not.toContain(hook.secret);
    expect(JSON.parse(listed).items.map((w: { id: string }) => w.id)).toEqual([hook.id]);
    const one = webhookSchema.strict().parse(await json(t.call('GET', `/api/v1/webhooks/${hook.id}`)));
    expect(one.url).toBe(receiver.url);

    const test = await t.call('POST', `/api/v1/webhooks/${hook.id}/test`);
    expect(test.status).toBe(202);
    const { eventId, deliveryId } = (await test.json()) as { eventId: string; deliveryId: string };
    await receiver.until((r) => r.acknowledged.has(eventId));
    expect(receiver.received.find((r) => r.id === eventId)?.payload?.type).toBe('webhook.test');

    let deliveries: ReturnType<typeof webhookDeliverySchema.parse>[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await json(t.call('GET', `/api/v1/webhooks/${hook.id}/deliveries`));
      deliveries = res.items.map((d: unknown) => webhookDeliverySchema.parse(d));
      if (deliveries[0]?.status === 'delivered') break;
      await new Promise((r) => setImmediate(r));
    }
    expect(deliveries[0]).toMatchObject({ id: deliveryId, status: 'delivered', eventType: 'webhook.test' });
    expect(deliveries[0]?.attempts[0]).toMatchObject({ ok: true, statusCode: 200, snippet: 'ok' });

    const replay = await t.call('POST', `/api/v1/webhooks/deliveries/${deliveryId}/replay`);
    expect(replay.status).toBe(202);
    await receiver.until((r) => r.received.filter((x) => x.id === eventId).length === 2);

    const rotated = await t.call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, { overlapSeconds: 60 });
    expect(rotated.status).toBe(200);
    const withNew = webhookWithSecretSchema.parse(await rotated.json());
    expect(withNew.secret).not.toBe(hook.secret);
    expect(withNew.previousSecretUntil).not.toBeNull();

    const patched = await t.call('PATCH', `/api/v1/webhooks/${hook.id}`, {
      enabled: false,
      eventTypes: 'all',
    });
    expect(await json(patched)).toMatchObject({ enabled: false, eventTypes: 'all' });
    expect((await t.call('POST', `/api/v1/webhooks/${hook.id}/test`)).status).toBe(409);

    // No secret in the Main Log.
    const logs = await (await t.call('GET', '/api/v1/logs?source=webhooks')).text();
    expect(logs).toContain('signing secret rotated');
    expect(logs).not.toContain(hook.secret);
    expect(logs).not.toContain(withNew.secret);

    expect((await t.call('DELETE', `/api/v1/webhooks/${hook.id}`)).status).toBe(200);
    expect((await t.call('GET', `/api/v1/webhooks/${hook.id}`)).status).toBe(404);
  });

  it('names the bad field: a URL that is not https, an unknown event type, an unknown field', async () => {
    const bad = await json(t.call('POST', '/api/v1/webhooks', { url: 'ftp://example.com/x' }));
    expect(bad.status).toBe(400);
    expect(bad.errors[0].path).toBe('url');
    const types = await json(
      t.call('POST', '/api/v1/webhooks', { url: 'https://example.com/h', eventTypes: ['nope'] }),
    );
    expect(types.errors[0].path).toMatch(/^eventTypes/);
    const extra = await json(
      t.call('POST', '/api/v1/webhooks', { url: 'https://example.com/h', secret: 'mine' }),
    );
    expect(extra.status).toBe(400);
    const metadata = await json(t.call('POST', '/api/v1/webhooks', { url: 'http://169.254.169.254/latest' }));
    expect(metadata.status).toBe(400);
    expect(metadata.errors[0]).toMatchObject({ path: 'url' });
  });
});
