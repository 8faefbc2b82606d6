import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { accounts, incomingState, messages, workers } from '../db/schema';
import { claimPollLease } from '../incoming/lease';
import { queryLogs } from '../logs';
import { claimBatch } from '../outbox/claimBatch';
import { sendMessage } from '../outbox/sendMessage';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { leaseTables } from './leaseTables';
import { startPresence } from './presence';
import { releaseLeasesAtStart } from './releaseAtStart';

const HOUR = 3600_000;

describe.each(backends)('leases of dead holders on %s', (backend) => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await createTestEnv(backend);
  });
  afterEach(async () => {
    await env.close();
  });

  async function queue(count: number): Promise<string> {
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: `Leases ${Math.random().toString(36).slice(2, 8)}`,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: 2525,
          security: 'none',
          from: { address: 'sender@example.com' },
          sendMode: 'queued',
        },
        incoming: {
          protocol: 'pop3',
          host: '127.0.0.1',
          port: 1110,
          security: 'none',
          auth: { method: 'password', username: 'u', password: 'p' },
        },
      },
    });
    for (let i = 0; i < count; i++) {
      await sendMessage({
        ctx: env.ctx,
        input: { accountId: account.id, to: [`r${i}@example.org`], subject: `m ${i}`, text: 'x' },
      });
    }
    return account.id;
  }

  const claim = (workerId: string, limit = 100) =>
    claimBatch({ ctx: env.ctx, input: { workerId, limit, leaseMs: HOUR } });

  it('finds every leased table of the schema by its columns', () => {
    const names = leaseTables().map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['incoming_state', 'messages', 'webhook_deliveries']));
    expect(names).not.toContain('accounts');
  });

  it('at start-up releases every lease at once: no attempt counted, the next claim takes them, one log row', async () => {
    const accountId = await queue(4);
    expect(await claim('dead-worker')).toHaveLength(4);
    expect(await claimPollLease(env.ctx.db, accountId, 'dead-poller', env.ctx.now(), HOUR)).toBe(true);
    // Still leased for an hour: nobody else may take them.
    expect(await claim('new-worker')).toHaveLength(0);

    const released = await releaseLeasesAtStart(env.ctx);
    expect(released).toEqual({ messages: 4, incoming_state: 1 });

    const taken = await claim('new-worker');
    expect(taken).toHaveLength(4);
    expect(taken.every((m) => m.attemptCount === 0 && m.leaseOwner === 'new-worker')).toBe(true);
    expect(await claimPollLease(env.ctx.db, accountId, 'new-poller', env.ctx.now(), HOUR)).toBe(true);
    const log = await queryLogs({ ctx: env.ctx, input: { source: 'queue', q: 'Start-up' } });
    expect(log.items.map((r) => r.message)).toEqual([
      'Start-up: 5 leases left by a process that stopped without finishing were released at once (1 incoming_state, 4 messages)',
    ]);
  });

  it('a live holder releases the leases of one silent past the grace, and keeps its own long leases', async () => {
    const accountId = await queue(6);
    const live = startPresence({ base: env.base, graceMs: 2000, intervalMs: 3_600_000 });
    const dead = startPresence({ base: env.base, graceMs: 2000, intervalMs: 3_600_000 });
    try {
      await live.register('live-worker', 'worker');
      await dead.register('dead-worker', 'worker');
      await dead.register('dead-poller', 'poller');
      expect(await claim('live-worker', 2)).toHaveLength(2);
      expect(await claim('dead-worker', 4)).toHaveLength(4);
      expect(await claimPollLease(env.ctx.db, accountId, 'dead-poller', env.ctx.now(), HOUR)).toBe(true);

      // Within the grace nothing happens.
      await live.beat();
      expect(await env.ctx.db.select().from(workers)).toHaveLength(3);
      expect(await claim('live-worker')).toHaveLength(0);

      // The dead process stops beating: its rows age past the grace (by the database's clock).
      await env.ctx.db
        .update(workers)
        .set({ lastSeen: sql`now() - interval '3 seconds'` })
        .where(sql`${workers.id} like 'dead-%'`);
      // The released messages are due at once: the workers are woken, not left to their next poll.
      const woken = env.base.outbox.wake.wait(3_600_000);
      await live.beat();
      await woken;
      expect((await env.ctx.db.select().from(workers)).map((w) => w.id)).toEqual(['live-worker']);

      const taken = await claim('live-worker');
      expect(taken).toHaveLength(4);
      expect(taken.every((m) => m.attemptCount === 0)).toBe(true);
      const byOwner = await env.ctx.db
        .select({ owner: messages.leaseOwner, n: sql<number>`count(*)::int` })
        .from(messages)
        .groupBy(messages.leaseOwner);
      expect(byOwner).toEqual([{ owner: 'live-worker', n: 6 }]);
      const [poll] = await env.ctx.db
        .select()
        .from(incomingState)
        .where(eq(incomingState.accountId, accountId));
      expect(poll!.leaseExpiresAt!.getTime()).toBeLessThanOrEqual(env.ctx.now().getTime());
      const log = await queryLogs({ ctx: env.ctx, input: { source: 'queue', q: 'was silent' } });
      expect(log.items.map((r) => r.message.replace(/pid \d+ on \S+\)/, 'pid … on …)')).sort()).toEqual([
        'Lease holder dead-poller (poller, pid … on …) was silent for more than 2 s: its leases were released (1 incoming_state)',
        'Lease holder dead-worker (worker, pid … on …) was silent for more than 2 s: its leases were released (4 messages)',
      ]);
    } finally {
      await live.stop();
      await dead.stop();
    }
    expect(await env.ctx.db.select().from(workers)).toHaveLength(0);
    expect(await env.ctx.db.select({ id: accounts.id }).from(accounts)).toHaveLength(1);
  });

  it('releases leases whose owner names the holder with a suffix (one holder, several leases)', async () => {
    await queue(1);
    const [m] = await claim('api-1/request:abc');
    expect(m).toBeDefined();
    const live = startPresence({ base: env.base, graceMs: 1000, intervalMs: 3_600_000 });
    try {
      await env.ctx.db
        .insert(workers)
        .values({ id: 'api-1', host: 'h', pid: 1, role: 'api', lastSeen: sql`now() - interval '5 seconds'` });
      await live.beat();
      expect(await claim('other')).toHaveLength(1);
    } finally {
      await live.stop();
    }
  });
});
