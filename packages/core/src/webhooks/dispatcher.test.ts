import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { logs, webhookClaims, webhookDeliveries, webhookEndpoints } from '../db/schema';
import { newWorkerId } from '../outbox/workerId';
import {
  backends,
  createTestEnv,
  startWebhookReceiver,
  type TestEnv,
  type WebhookReceiver,
} from '../testing';
import { endpointAttempts, readAttempts } from './attempts';
import { createWebhook } from './createWebhook';
import { emitEvents } from './emitEvent';
import { listDeliveries } from './listDeliveries';
import { replayDelivery } from './replayDelivery';
import { rotateWebhookSecret } from './rotateWebhookSecret';
import { type DispatcherEvent, type DispatcherOptions, runDispatcher } from './runDispatcher';
import { sendTestEvent } from './sendTestEvent';
import { updateWebhook } from './updateWebhook';

const fast = { backoffBaseMs: 5, backoffMaxMs: 40, timeoutMs: 1500, leaseMs: 10_000 };

describe.each(backends)('the webhook dispatcher on %s', (backend) => {
  let env: TestEnv;
  let receiver: WebhookReceiver;
  let stop: (() => Promise<void>) | null = null;
  const events: DispatcherEvent[] = [];

  beforeAll(async () => {
    env = await createTestEnv(backend);
  });
  afterEach(async () => {
    await stop?.();
    stop = null;
    await receiver?.close();
    await env.ctx.db.delete(webhookEndpoints);
    events.length = 0;
  });
  afterAll(async () => {
    await env?.close();
  });

  function dispatch(over: Partial<DispatcherOptions> = {}) {
    const abort = new AbortController();
    const done = runDispatcher({
      base: env.base,
      workerId: `test:${Math.random()}`,
      signal: abort.signal,
      pollMs: 20,
      policy: fast,
      onEvent: (e) => events.push(e),
      ...over,
    });
    stop = async () => {
      abort.abort();
      await done;
    };
  }

  async function endpoint(url: string, input: Record<string, unknown> = {}) {
    const created = await createWebhook({ ctx: env.ctx, input: { url, ...input } });
    receiver.secrets = [created.secret];
    return created;
  }

  async function emitMany(n: number) {
    return env.ctx.db.transaction((tx) =>
      emitEvents(
        tx,
        Array.from({ length: n }, (_, i) => ({
          type: 'message.sent' as const,
          teamId: null,
          data: { messageId: `m${i}`, status: 'sent', recipients: [`r${i}@example.com`] },
        })),
      ),
    );
  }

  it('delivers every event at least once, signed, with stable ids, through 500s, timeouts and resets', async () => {
    receiver = await startWebhookReceiver();
    const seen = new Map<string, number>();
    receiver.reply = (r) => {
      const k = (seen.get(r.id) ?? 0) + 1;
      seen.set(r.id, k);
      if (k > 1) return { status: 204 };
      const pick = r.id.charCodeAt(0) % 4;
      if (pick === 0) return { status: 500, body: 'upstream trouble' };
      if (pick === 1) return 'hang';
      if (pick === 2) return 'destroy';
      return { status: 200, body: 'ok' };
    };
    const hook = await endpoint(receiver.url);
    const ids = await emitMany(30);
    expect(ids).toHaveLength(30);
    dispatch({ concurrency: 8 });
    await receiver.until((r) => ids.every((id) => r.acknowledged.has(id)), 60_000);

    // Every request verified with the endpoint's secret; a retry carries the same id and the same body.
    expect(receiver.received.every((r) => r.verifiedWith === 0)).toBe(true);
    const bodies = new Map<string, Set<string>>();
    for (const r of receiver.received) bodies.set(r.id, (bodies.get(r.id) ?? new Set()).add(r.body));
    expect([...bodies.values()].every((b) => b.size === 1)).toBe(true);
    const first = receiver.received.find((r) => r.payload)?.payload;
    expect(first?.type).toBe('message.sent');
    expect(first?.data).toHaveProperty('recipients');

    await waitFor(async () => {
      const page = await listDeliveries({ ctx: env.ctx, endpointId: hook.id, input: { pageSize: 100 } });
      return page.items.every((d) => d.status === 'delivered');
    });
    const attempts = await endpointAttempts(env.ctx.db, hook.id);
    const codes = new Set(attempts.map((a) => a.errorCode));
    expect(codes).toContain('rejected');
    expect(codes).toContain('timeout');
    const rejected = attempts.find((a) => a.statusCode === 500);
    expect(rejected?.snippet).toBe('upstream trouble');
    expect(rejected?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('two dispatchers at once post every event exactly once, and leave no claim behind when they stop', async () => {
    receiver = await startWebhookReceiver();
    const hook = await endpoint(receiver.url);
    const ids = await emitMany(300);
    const second = new AbortController();
    const other = runDispatcher({
      base: env.base,
      workerId: `test-b:${Math.random()}`,
      signal: second.signal,
      pollMs: 20,
      policy: fast,
      concurrency: 4,
    });
    dispatch({ concurrency: 4 });
    await receiver.until((r) => ids.every((id) => r.acknowledged.has(id)), 60_000);
    second.abort();
    await other;
    await stop?.();
    stop = null;
    // Every event once: the claims never handed one delivery to both (no failure, so no retry).
    expect(receiver.received).toHaveLength(300);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(300);
    const page = await listDeliveries({ ctx: env.ctx, endpointId: hook.id, input: { pageSize: 100 } });
    expect(page.total).toBe(300);
    expect(page.items.every((d) => d.status === 'delivered' && d.attemptCount === 1)).toBe(true);
    expect(await env.ctx.db.select().from(webhookClaims)).toEqual([]);
  });

  it('retries a receiver that is down until it is reachable, then the endpoint is healthy again', async () => {
    receiver = await startWebhookReceiver();
    const down = `http://127.0.0.1:${receiver.port}/hooks`;
    await receiver.close();
    const hook = await endpoint(down);
    const ids = await emitMany(3);
    dispatch();
    await waitFor(async () => events.filter((e) => e.type === 'attempted' && !e.ok).length >= 6);
    const [row] = await env.ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, hook.id));
    expect(row?.failingSince).not.toBeNull();
    const refused = await endpointAttempts(env.ctx.db, hook.id);
    expect(refused.every((a) => a.errorCode === 'refused' && a.statusCode === null)).toBe(true);

    receiver = await startWebhookReceiver({ secrets: receiver.secrets });
    await updateWebhook({ ctx: env.ctx, id: hook.id, input: { url: receiver.url } });
    await receiver.until((r) => ids.every((id) => r.acknowledged.has(id)));
    await waitFor(async () => {
      const [e] = await env.ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, hook.id));
      return e?.failingSince === null && e.lastSuccessAt !== null;
    });
  });

  it('disables an endpoint failing for longer than the window, gives up its delivery, and says so in the Main Log', async () => {
    receiver = await startWebhookReceiver();
    receiver.reply = () => ({ status: 503 });
    const hook = await endpoint(receiver.url);
    await emitMany(1);
    dispatch({ policy: { ...fast, giveUpAfterMs: 0, disableAfterMs: 0 } });
    await waitFor(async () => {
      const [e] = await env.ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, hook.id));
      return e?.enabled === false;
    });
    const [e] = await env.ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, hook.id));
    expect(e?.disabledReason).toMatch(/^Failing since .*disabled after 0 hours/);
    const [d] = await env.ctx.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, hook.id));
    expect(d?.status).toBe('failed');
    expect(d?.finishedAt).not.toBeNull();
    const rows = await env.ctx.db
      .select()
      .from(logs)
      .where(and(eq(logs.source, 'webhooks'), eq(logs.level, 'error')));
    expect(rows.some((r) => r.message.includes(`${receiver.url} disabled`))).toBe(true);

    // Replay after fixing: enabled again, the same event arrives with the same id.
    receiver.reply = () => ({ status: 200 });
    await updateWebhook({ ctx: env.ctx, id: hook.id, input: { enabled: true } });
    const replayed = await replayDelivery({ ctx: env.ctx, id: d?.id ?? '' });
    expect(replayed.status).toBe('pending');
    await receiver.until((r) => r.acknowledged.has(d?.eventId ?? ''));
  });

  it('records the rest of a batch when an endpoint is deleted while its delivery is in flight', async () => {
    receiver = await startWebhookReceiver();
    const gone = await endpoint(`${receiver.url}?gone`);
    const kept = await endpoint(`${receiver.url}?kept`);
    const [eventId] = await emitMany(1);
    // Both attempts wait in one write batch (a long linger) while one endpoint is deleted.
    dispatch({ commitLingerMs: 60_000 });
    await receiver.until((r) => r.acknowledged.has(eventId ?? '') && r.received.length === 2);
    await env.ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, gone.id));
    await stop?.();
    stop = null;

    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const [d] = await env.ctx.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, kept.id));
    expect(d?.status).toBe('delivered');
    const attempts = await readAttempts(env.ctx.db, eq(webhookDeliveries.id, d?.id ?? ''));
    expect(attempts).toHaveLength(1);
  });

  it('writes in the Main Log as its id, the role named once', async () => {
    const workerId = newWorkerId('webhooks');
    await runDispatcher({
      base: env.base,
      workerId,
      signal: new AbortController().signal,
      pollMs: 20,
      policy: fast,
      exitWhenIdle: true,
    });
    const rows = await env.ctx.db
      .select()
      .from(logs)
      .where(
        and(eq(logs.source, 'webhooks'), sql`${logs.message} like ${`Webhook dispatcher ${workerId} st%`}`),
      );
    expect(rows.map((r) => r.actor)).toEqual([workerId, workerId]);
  });

  it('delivers what it claimed when the event listener throws, and still reports idle', async () => {
    receiver = await startWebhookReceiver();
    await endpoint(receiver.url);
    const ids = await emitMany(3);
    let thrown = 0;
    dispatch({
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'claimed' && thrown === 0) {
          thrown += 1;
          throw new Error('the listener failed');
        }
      },
    });
    await receiver.until((r) => ids.every((id) => r.acknowledged.has(id)));
    await waitFor(async () => events.some((e) => e.type === 'idle'));
    expect(thrown).toBe(1);
  });

  it('does not post a delivery again before its lease time when its attempt cannot be written', async () => {
    receiver = await startWebhookReceiver();
    await endpoint(receiver.url);
    const [eventId] = await emitMany(1);
    // Every write of an attempt fails (the three tries of a batch, then it is given up).
    await env.ctx.db.execute(sql`
      create or replace function mailroom_test_refuse_attempt() returns trigger language plpgsql as $$
      begin raise exception 'attempts refused by the test'; end $$`);
    await env.ctx.db.execute(sql`
      create trigger mailroom_test_refuse_attempt before update on webhook_deliveries
      for each row execute function mailroom_test_refuse_attempt()`);
    try {
      dispatch({ policy: { ...fast, leaseMs: 1500 } });
      await waitFor(async () => events.some((e) => e.type === 'attempted' && !e.recorded));
      // Given up unwritten: held (as a lease would be), so the dispatcher goes idle instead of posting it again.
      await waitFor(
        async () =>
          events.some((e) => e.type === 'idle') ||
          receiver.received.filter((r) => r.id === eventId).length > 1,
      );
      expect(receiver.received.filter((r) => r.id === eventId)).toHaveLength(1);
      expect(events.filter((e) => e.type === 'claimed')).toHaveLength(1);
    } finally {
      await env.ctx.db.execute(sql`drop trigger mailroom_test_refuse_attempt on webhook_deliveries`);
    }
    // Once the lease time has passed it is attempted again, and now written.
    await receiver.until((r) => r.acknowledged.has(eventId ?? '') && r.received.length === 2);
    await waitFor(async () => events.some((e) => e.type === 'attempted' && e.recorded));
  });

  it('signs with both secrets during a rotation overlap, then with the new one only; test events reach one endpoint', async () => {
    receiver = await startWebhookReceiver();
    const hook = await endpoint(receiver.url);
    const old = hook.secret;
    const rotated = await rotateWebhookSecret({ ctx: env.ctx, id: hook.id, input: { overlapSeconds: 3600 } });
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(rotated.previousSecretUntil).not.toBeNull();
    receiver.secrets = [rotated.secret, old];
    dispatch();
    const { eventId } = await sendTestEvent({ ctx: env.ctx, id: hook.id });
    await receiver.until((r) => r.acknowledged.has(eventId));
    const got = receiver.received.find((r) => r.id === eventId);
    expect(got?.signature.split(' ')).toHaveLength(2);
    expect(got?.payload?.type).toBe('webhook.test');
    // Old-secret-only receivers still verify during the overlap.
    receiver.secrets = [old];
    const second = await sendTestEvent({ ctx: env.ctx, id: hook.id });
    await receiver.until((r) => r.acknowledged.has(second.eventId));
    expect(receiver.received.find((r) => r.id === second.eventId)?.verifiedWith).toBe(0);

    await rotateWebhookSecret({ ctx: env.ctx, id: hook.id, input: { overlapSeconds: 0 } }).then((r) => {
      receiver.secrets = [r.secret, old, rotated.secret];
    });
    await stop?.();
    dispatch();
    const third = await sendTestEvent({ ctx: env.ctx, id: hook.id });
    await receiver.until((r) => r.acknowledged.has(third.eventId));
    const last = receiver.received.find((r) => r.id === third.eventId);
    expect(last?.signature.split(' ')).toHaveLength(1);
    expect(last?.verifiedWith).toBe(0);
  });
});

/** Polls the database until `pred` holds: bounded, no fixed sleeps (the check itself paces it). */
async function waitFor(pred: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await pred()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not met in time');
}
