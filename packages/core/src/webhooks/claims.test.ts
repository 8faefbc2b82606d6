import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSharedDatabase } from '../db/client';
import { webhookAttempts, webhookClaims, webhookDeliveries, webhookEndpoints } from '../db/schema';
import { MailroomError } from '../errors';
import { newId } from '../ids';
import { releaseLeases } from '../leases/releaseLeases';
import { rowsOf } from '../outbox/rows';
import { backends, createTestEnv, type TestEnv } from '../testing';
import type { DeliveryAttempt } from './attemptDelivery';
import { readAttempts } from './attempts';
import { claimDeliveries, type DeliveryRef, heldDeliveries, renewDeliveryClaims } from './claimDeliveries';
import { emitEvents } from './emitEvent';
import { deliveriesInFlight, releaseInFlight } from './inFlight';
import { listDeliveries } from './listDeliveries';
import { defaultWebhookPolicy } from './policy';
import { recordAttempts } from './recordAttempts';
import { replayDelivery } from './replayDelivery';
import { runDispatcher } from './runDispatcher';

const HOUR = 3600_000;

describe.each(backends)('webhook claims on %s', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
  });
  afterAll(async () => {
    await env?.close();
  });

  async function pending(n: number): Promise<string> {
    const endpointId = newId();
    await env.ctx.db
      .insert(webhookEndpoints)
      .values({ id: endpointId, url: 'https://example.com/hook', secret: 'x' });
    await env.ctx.db.transaction((tx) =>
      emitEvents(
        tx,
        Array.from({ length: n }, (_, i) => ({
          type: 'message.sent' as const,
          teamId: null,
          data: { messageId: `m${i}` },
        })),
      ),
    );
    return endpointId;
  }

  const claim = (workerId: string, limit: number, held: string[] = []) =>
    claimDeliveries({ ctx: env.ctx, workerId, limit, leaseMs: HOUR, held });
  const ok = (): DeliveryAttempt => ({
    ok: true,
    at: env.ctx.now(),
    durationMs: 1,
    statusCode: 204,
    errorCode: null,
    message: null,
    snippet: null,
  });

  it('two dispatchers claiming at once never take the same delivery, and each attempt is written once', async () => {
    const endpointId = await pending(10);
    const [a, b] = await Promise.all([claim('dispatcher-a', 6), claim('dispatcher-b', 6)]);
    const ids = [...(a ?? []), ...(b ?? [])].map((d) => d.id);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    expect(await claim('dispatcher-c', 10)).toHaveLength(0);

    const written = await recordAttempts({
      ctx: env.ctx,
      workerId: 'dispatcher-a',
      batch: (a ?? []).map((delivery) => ({ delivery, attempt: ok() })),
      policy: defaultWebhookPolicy,
    });
    expect(written.every((w) => w.recorded && w.status === 'delivered')).toBe(true);
    // The same claim written again (a retried write that had in fact committed) records nothing more.
    const again = await recordAttempts({
      ctx: env.ctx,
      workerId: 'dispatcher-a',
      batch: (a ?? []).map((delivery) => ({ delivery, attempt: ok() })),
      policy: defaultWebhookPolicy,
    });
    expect(again.some((w) => w.recorded)).toBe(false);
    const rows = await env.ctx.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpointId));
    expect(rows.filter((r) => r.status === 'delivered').map((r) => r.attemptCount)).toEqual(
      (a ?? []).map(() => 1),
    );
    releaseInFlight(env.ctx.db, ids);
    await env.ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  });

  it('a claim writes no delivery row: the deliveries stay pending, held by the dispatcher until written', async () => {
    const endpointId = await pending(3);
    const taken = await claim('dispatcher-a', 3);
    expect(taken).toHaveLength(3);
    const ids = taken.map((d) => d.id);
    const rows = await env.ctx.db.select().from(webhookDeliveries).where(inArray(webhookDeliveries.id, ids));
    expect(rows.every((r) => r.status === 'pending' && r.leaseOwner === null && r.attemptCount === 0)).toBe(
      true,
    );
    const held = await heldDeliveries(env.ctx);
    expect(ids.every((id) => held.has(id))).toBe(true);
    if (isSharedDatabase(env.ctx.db)) {
      // Postgres: dispatchers in several processes, so what each holds is in its claim row, leased.
      const [row] = await env.ctx.db
        .select()
        .from(webhookClaims)
        .where(eq(webhookClaims.leaseOwner, 'dispatcher-a'));
      expect(row?.deliveryIds.sort()).toEqual([...ids].sort());
    } else {
      expect(ids.every((id) => deliveriesInFlight(env.ctx.db).has(id))).toBe(true);
    }
    // Nobody else takes them, and a replay says it is being attempted.
    expect(await claim('dispatcher-b', 3)).toHaveLength(0);
    await expect(replayDelivery({ ctx: env.ctx, id: ids[0] ?? '' })).rejects.toBeInstanceOf(MailroomError);
    // Let go without a write (it failed; on Postgres its dispatcher died and its lease was released): due
    // again at once, the attempt not counted.
    if (isSharedDatabase(env.ctx.db)) {
      expect(await releaseLeases(env.ctx.db, ['dispatcher-a'], env.ctx.now())).toMatchObject({
        webhook_claims: 1,
      });
    } else releaseInFlight(env.ctx.db, ids);
    const back = await claim('dispatcher-b', 3);
    expect(back.map((d) => d.id).sort()).toEqual([...ids].sort());
    expect(back.every((d) => d.attemptCount === 0)).toBe(true);
    const written = await recordAttempts({
      ctx: env.ctx,
      workerId: 'dispatcher-b',
      batch: back.map((delivery) => ({ delivery, attempt: ok() })),
      policy: defaultWebhookPolicy,
    });
    expect(written.every((w) => w.recorded)).toBe(true);
    // The dispatcher that was thought dead writes too: its attempt is kept, the delivery counted once.
    const late = await recordAttempts({
      ctx: env.ctx,
      workerId: 'dispatcher-a',
      batch: taken.map((delivery) => ({ delivery, attempt: ok() })),
      policy: defaultWebhookPolicy,
    });
    expect(late.some((w) => w.recorded)).toBe(false);
    releaseInFlight(env.ctx.db, ids);
    // Each delivery's counted attempt is in its row, the late one in webhook_attempts.
    const attempts = await readAttempts(env.ctx.db, inArray(webhookDeliveries.id, ids));
    expect(attempts).toHaveLength(6);
    expect(
      await env.ctx.db.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, ids)),
    ).toHaveLength(3);
    const after = await env.ctx.db.select().from(webhookDeliveries).where(inArray(webhookDeliveries.id, ids));
    expect(after.map((r) => [r.status, r.attemptCount])).toEqual(ids.map(() => ['delivered', 1]));
    expect(await claim('dispatcher-c', 3)).toHaveLength(0);
    await env.ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  });

  it("keeps a delivery's latest attempt in its row, moving it to the attempts when another follows", async () => {
    const endpointId = await pending(1);
    const policy = { ...defaultWebhookPolicy, backoffBaseMs: 0, backoffMaxMs: 0 };
    const failed = (): DeliveryAttempt => ({ ...ok(), ok: false, statusCode: 503, errorCode: 'rejected' });
    const write = (workerId: string, delivery: DeliveryRef, attempt: DeliveryAttempt) =>
      recordAttempts({ ctx: env.ctx, workerId, batch: [{ delivery, attempt }], policy });
    const row = async (id: string) => {
      const [d] = await env.ctx.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
      if (!d) throw new Error('no delivery');
      return d;
    };
    const moved = (id: string) =>
      env.ctx.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id));
    const shown = async () =>
      (await listDeliveries({ ctx: env.ctx, endpointId, input: {} })).items[0]?.attempts.map((a) => [
        a.id,
        a.statusCode,
      ]);

    // A first attempt writes the delivery's row only.
    const [first] = await claim('dispatcher-i', 1);
    if (!first) throw new Error('nothing claimed');
    await write('dispatcher-i', first, failed());
    releaseInFlight(env.ctx.db, [first.id]);
    const once = await row(first.id);
    expect(once).toMatchObject({ status: 'pending', attemptCount: 1, lastOk: false, lastStatusCode: 503 });
    expect(await moved(first.id)).toEqual([]);
    expect(await shown()).toEqual([[once.lastAttemptId, 503]]);

    // The next attempt moves it out, with its id, and takes its place; two dispatchers that posted the same
    // retry (an expired claim row) both try to move it: it is moved once, and the late attempt is kept too.
    const [retry] = await claim('dispatcher-i', 1);
    if (!retry) throw new Error('nothing claimed');
    expect(retry.attemptCount).toBe(1);
    expect(await write('dispatcher-i', retry, ok())).toEqual([
      { id: retry.id, status: 'delivered', recorded: true },
    ]);
    const late = { ...ok(), at: new Date(env.ctx.now().getTime() + 1000) };
    expect(await write('dispatcher-j', retry, late)).toEqual([
      { id: retry.id, status: 'delivered', recorded: false },
    ]);
    releaseInFlight(env.ctx.db, [retry.id]);
    const twice = await row(retry.id);
    expect(twice).toMatchObject({ status: 'delivered', attemptCount: 2, lastOk: true, lastStatusCode: 204 });
    const out = await moved(retry.id);
    expect(out.map((a) => [a.id, a.statusCode, a.ok])).toEqual(
      expect.arrayContaining([
        [once.lastAttemptId, 503, false],
        [expect.any(String), 204, true],
      ]),
    );
    expect(out).toHaveLength(2);
    const lateId = out.find((a) => a.ok)?.id;
    expect(await shown()).toEqual([
      [lateId, 204],
      [twice.lastAttemptId, 204],
      [once.lastAttemptId, 503],
    ]);
    await env.ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  });

  it('shows the attempts of a delivery written before its latest attempt was kept in its row', async () => {
    const endpointId = await pending(1);
    const [d] = await env.ctx.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpointId));
    if (!d) throw new Error('no delivery');
    // As migration 0030 leaves it: every attempt in webhook_attempts, none in the row.
    const at = env.ctx.now();
    await env.ctx.db.insert(webhookAttempts).values({
      id: 'old-attempt',
      deliveryId: d.id,
      endpointId,
      at,
      durationMs: 5,
      ok: false,
      statusCode: 500,
    });
    await env.ctx.db
      .update(webhookDeliveries)
      .set({ attemptCount: 1, lastStatusCode: 500 })
      .where(eq(webhookDeliveries.id, d.id));
    const list = async () =>
      (await listDeliveries({ ctx: env.ctx, endpointId, input: {} })).items[0]?.attempts.map((a) => a.id);
    expect(await list()).toEqual(['old-attempt']);
    const [again] = await claim('dispatcher-k', 1);
    if (!again) throw new Error('nothing claimed');
    await recordAttempts({
      ctx: env.ctx,
      workerId: 'dispatcher-k',
      batch: [{ delivery: again, attempt: { ...ok(), at: new Date(at.getTime() + 1000) } }],
      policy: defaultWebhookPolicy,
    });
    releaseInFlight(env.ctx.db, [again.id]);
    const [after] = await env.ctx.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, d.id));
    expect(await list()).toEqual([after?.lastAttemptId, 'old-attempt']);
    await env.ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  });

  it("stores a claim row's ids uncompressed: every claim rewrites them", async () => {
    const [column] = rowsOf<{ attstorage: string }>(
      await env.ctx.db.execute(sql`
        select attstorage from pg_attribute
        where attrelid = 'webhook_claims'::regclass and attname = 'delivery_ids'`),
    );
    expect(column?.attstorage).toBe('e');
  });

  it('a claim keeps what the dispatcher still holds in its row and lets go of the rest', async () => {
    if (!isSharedDatabase(env.ctx.db)) return; // the embedded database keeps this in memory (above)
    const endpointId = await pending(4);
    const first = await claim('dispatcher-d', 2);
    const [kept, letGo] = first.map((d) => d.id);
    // Its next claim (taking nothing) says it still holds one of the two: the other was let go.
    await claim('dispatcher-d', 0, [kept ?? '']);
    const [row] = await env.ctx.db
      .select()
      .from(webhookClaims)
      .where(eq(webhookClaims.leaseOwner, 'dispatcher-d'));
    expect(row?.deliveryIds).toEqual([kept]);
    // What it let go of is due again for the others; what it holds is not.
    const others = (await claim('dispatcher-e', 4)).map((d) => d.id);
    expect(others).toHaveLength(3);
    expect(others).toContain(letGo);
    expect(others).not.toContain(kept);
    // Taking nothing and holding nothing removes its row.
    await claim('dispatcher-d', 0, []);
    expect(
      await env.ctx.db.select().from(webhookClaims).where(eq(webhookClaims.leaseOwner, 'dispatcher-d')),
    ).toEqual([]);
    await env.ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  });

  it('a lease renewal that read what is held before a claim never drops what that claim took', async () => {
    if (!isSharedDatabase(env.ctx.db)) return; // no claim row on the embedded database
    const endpointId = await pending(4);
    const first = (await claim('dispatcher-f', 2)).map((d) => d.id);
    // The renewal reads what is in hand, a claim takes two more, then the renewal is written.
    const snapshot = [...first];
    const second = (await claim('dispatcher-f', 2, first)).map((d) => d.id);
    expect(
      await renewDeliveryClaims({ ctx: env.ctx, workerId: 'dispatcher-f', held: snapshot, leaseMs: HOUR }),
    ).toBe(true);
    // Nobody else gets any of the four.
    expect(await claim('dispatcher-g', 4)).toHaveLength(0);
    // A written attempt leaves the row (a failed one, due again at once): the others may take it.
    const [retried] = await claim('dispatcher-f', 0, [...first, ...second]).then(() =>
      env.ctx.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.id, second[0] ?? '')),
    );
    if (!retried) throw new Error('no delivery');
    await recordAttempts({
      ctx: env.ctx,
      workerId: 'dispatcher-f',
      batch: [{ delivery: retried, attempt: { ...ok(), ok: false, statusCode: 503, errorCode: 'rejected' } }],
      policy: { ...defaultWebhookPolicy, backoffBaseMs: 0, backoffMaxMs: 0 },
    });
    const [row] = await env.ctx.db
      .select()
      .from(webhookClaims)
      .where(eq(webhookClaims.leaseOwner, 'dispatcher-f'));
    expect(row?.deliveryIds.sort()).toEqual([...first, ...second.slice(1)].sort());
    expect((await claim('dispatcher-g', 4)).map((d) => d.id)).toEqual([retried.id]);
    await env.ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  });

  it('replays a finished delivery that a claim row still lists (read while its attempt was being written)', async () => {
    const endpointId = await pending(1);
    const [taken] = await claim('dispatcher-h', 1);
    if (!taken) throw new Error('nothing claimed');
    await recordAttempts({
      ctx: env.ctx,
      workerId: 'dispatcher-h',
      batch: [{ delivery: taken, attempt: ok() }],
      policy: defaultWebhookPolicy,
    });
    // A claim that read what its dispatcher held before that write finished lists it again.
    await claim('dispatcher-h', 0, [taken.id]);
    const replayed = await replayDelivery({ ctx: env.ctx, id: taken.id });
    expect(replayed.status).toBe('pending');
    releaseInFlight(env.ctx.db, [taken.id]);
    await env.ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  });

  it('lists a delivery being attempted as delivering (not waiting, so no Replay is offered), and filters by it', async () => {
    const endpointId = await pending(2);
    const [taken] = await claim('dispatcher-a', 1);
    if (!taken) throw new Error('nothing claimed');
    const list = (status?: 'pending' | 'delivering') =>
      listDeliveries({ ctx: env.ctx, endpointId, input: status ? { status } : {} });
    const all = await list();
    expect(all.items.map((d) => [d.id === taken.id, d.status]).sort()).toEqual([
      [false, 'pending'],
      [true, 'delivering'],
    ]);
    const delivering = await list('delivering');
    expect(delivering.items.map((d) => d.id)).toEqual([taken.id]);
    expect(delivering.total).toBe(1);
    const waiting = await list('pending');
    expect(waiting.items.map((d) => d.id)).not.toContain(taken.id);
    expect(waiting.total).toBe(1);
    await recordAttempts({
      ctx: env.ctx,
      workerId: 'dispatcher-a',
      batch: [{ delivery: taken, attempt: ok() }],
      policy: defaultWebhookPolicy,
    });
    // Written but still held a moment (in memory, or in the claim row until the next claim): delivered.
    expect((await list()).items.find((d) => d.id === taken.id)?.status).toBe('delivered');
    expect((await list('delivering')).items).toEqual([]);
    releaseInFlight(env.ctx.db, [taken.id]);
    expect((await list()).items.find((d) => d.id === taken.id)?.status).toBe('delivered');
    await env.ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  });
});

describe.each(backends)('the first write of a dispatcher on %s', (backend) => {
  it('writes a batch with a failed attempt (its own transaction) on a fresh database without waiting on itself', async () => {
    const env = await createTestEnv(backend);
    try {
      const endpointId = newId();
      await env.ctx.db
        .insert(webhookEndpoints)
        .values({ id: endpointId, url: 'https://example.com/hook', secret: 'x' });
      await env.ctx.db.transaction((tx) =>
        emitEvents(tx, [{ type: 'message.sent', teamId: null, data: { messageId: 'm' } }]),
      );
      const [delivery] = await claimDeliveries({
        ctx: env.ctx,
        workerId: 'first',
        limit: 1,
        leaseMs: HOUR,
        held: [],
      });
      if (!delivery) throw new Error('nothing claimed');
      const failed: DeliveryAttempt = {
        ok: false,
        at: env.ctx.now(),
        durationMs: 3,
        statusCode: 503,
        errorCode: 'rejected',
        message: 'HTTP 503',
        snippet: "it's down",
      };
      const written = await recordAttempts({
        ctx: env.ctx,
        workerId: 'first',
        batch: [{ delivery, attempt: failed }],
        policy: defaultWebhookPolicy,
      });
      releaseInFlight(env.ctx.db, [delivery.id]);
      expect(written).toEqual([{ id: delivery.id, status: 'pending', recorded: true }]);
      const [attempt] = await readAttempts(env.ctx.db, eq(webhookDeliveries.id, delivery.id));
      expect(attempt).toMatchObject({ ok: false, statusCode: 503, snippet: "it's down" });
      const [endpoint] = await env.ctx.db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, endpointId));
      expect(endpoint?.failingSince).not.toBeNull();
    } finally {
      await env.close();
    }
  });
});

describe('a dispatcher on the embedded database that stops', () => {
  it('lets go of the deliveries it held when stopped in the middle of a claim, even with a throwing listener', async () => {
    const env = await createTestEnv('pglite');
    try {
      await env.ctx.db
        .insert(webhookEndpoints)
        .values({ id: newId(), url: 'http://127.0.0.1:9/hook', secret: 'x' });
      await env.ctx.db.transaction((tx) =>
        emitEvents(tx, [{ type: 'message.sent', teamId: null, data: { messageId: 'm' } }]),
      );
      const abort = new AbortController();
      let claimed: () => void = () => {};
      const seen = new Promise<void>((r) => {
        claimed = r;
      });
      const done = runDispatcher({
        base: env.base,
        workerId: 'throwing',
        signal: abort.signal,
        pollMs: 20,
        policy: { timeoutMs: 1000 },
        onEvent: (e) => {
          if (e.type !== 'claimed') return;
          claimed();
          abort.abort();
          throw new Error('the listener failed');
        },
      });
      await seen;
      await done;
      // What it claimed was still attempted and written (the listener cannot stop that), then let go.
      expect(deliveriesInFlight(env.ctx.db).size).toBe(0);
      expect(await readAttempts(env.ctx.db)).toHaveLength(1);
    } finally {
      await env.close();
    }
  });
});
