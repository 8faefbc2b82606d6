import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Ctx, createContext, systemActor } from '../../context';
import { loginAttempts, logs } from '../../db/schema';
import { startRetention } from '../../retention';
import { backends, createTestEnv, type TestEnv } from '../../testing';
import {
  ADDRESS_LOCK_MS,
  ADDRESS_MAX_FAILURES,
  addressGroup,
  checkLogin,
  DELAY_MAX_MS,
  delayFor,
  FREE_FAILURES,
  LOGIN_WINDOW_MS,
  pruneLoginAttempts,
  releaseLoginAttempt,
} from '.';

describe('delayFor', () => {
  it('answers typos at once, then doubles from a second up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50, 10_000].map(delayFor)).toEqual([
      0, 0, 0, 1000, 2000, 3000, 3000, 3000, 3000,
    ]);
    expect(FREE_FAILURES).toBe(3);
    expect(DELAY_MAX_MS).toBe(3000);
  });
});

describe('addressGroup', () => {
  it('counts IPv4 as is, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    expect(addressGroup('203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('local')).toBe('local');
  });
});

describe.each(backends)('sign-in throttle on %s', (backend) => {
  let env: TestEnv;
  let clock: Date;
  let ctx: Ctx;
  let n = 0;
  // Every test takes fresh addresses and emails: the counters are shared, as in production.
  const fresh = () => ({ address: `198.51.100.${++n}`, email: `user${n}@example.com` });
  const tick = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };

  beforeAll(async () => {
    env = await createTestEnv(backend);
    clock = new Date('2026-03-01T09:00:00Z');
    ctx = createContext({ ...env.base, now: () => clock }, systemActor);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('slows, then refuses an address that keeps failing, for 15 minutes, and logs the lock once', async () => {
    const { address } = fresh();
    const verdicts = [];
    for (let i = 0; i < ADDRESS_MAX_FAILURES + 3; i++) {
      // A different account each time: only the address accumulates.
      verdicts.push(await checkLogin({ ctx, input: { address, email: `victim${i}@${address}.test` } }));
    }
    expect(verdicts.slice(0, ADDRESS_MAX_FAILURES)).toEqual(
      Array.from({ length: ADDRESS_MAX_FAILURES }, (_, i) => ({ allowed: true, delayMs: delayFor(i) })),
    );
    expect(verdicts.slice(ADDRESS_MAX_FAILURES)).toEqual(
      Array(3).fill({ allowed: false, retryAfterSec: ADDRESS_LOCK_MS / 1000 }),
    );
    tick(ADDRESS_LOCK_MS - 30_000);
    expect(await checkLogin({ ctx, input: { address, email: null } })).toEqual({
      allowed: false,
      retryAfterSec: 30,
    });
    tick(30_000);
    expect(await checkLogin({ ctx, input: { address, email: null } })).toEqual({ allowed: true, delayMs: 0 });

    const lockLogs = (await env.database.db.select().from(logs)).filter((l) => l.context.address === address);
    expect(lockLogs).toHaveLength(1);
    expect(lockLogs[0]).toMatchObject({ source: 'audit', level: 'warning' });
    expect(lockLogs[0]?.message).toBe(
      `Sign-ins from ${address} refused for 15 minutes after 10 failed attempts`,
    );
  });

  it('never refuses an account: guesses from many addresses only get slower answers, up to the cap', async () => {
    const { email } = fresh();
    const delays = [];
    for (let i = 0; i < 40; i++) {
      const v = await checkLogin({ ctx, input: { address: `192.0.2.${i}`, email } });
      expect(v.allowed).toBe(true);
      if (v.allowed) delays.push(v.delayMs);
    }
    expect(delays.slice(0, 6)).toEqual([0, 0, 0, 1000, 2000, 3000]);
    expect(new Set(delays.slice(5))).toEqual(new Set([DELAY_MAX_MS]));
    // The owner, from an address that never failed: slowed, not refused; signing in forgets the failures.
    const owner = { address: '198.51.100.250', email: email.toUpperCase() };
    expect(await checkLogin({ ctx, input: owner })).toEqual({ allowed: true, delayMs: DELAY_MAX_MS });
    await releaseLoginAttempt({ ctx, input: { ...owner, signedIn: true } });
    expect(await checkLogin({ ctx, input: { address: '192.0.2.200', email } })).toEqual({
      allowed: true,
      delayMs: 0,
    });
  });

  it('gives back a sign-in for the address but does not forget the address’s failures', async () => {
    const { address, email } = fresh();
    for (let i = 0; i < ADDRESS_MAX_FAILURES - 1; i++)
      await checkLogin({ ctx, input: { address, email: null } });
    // Signing in to an account the attacker holds, between guesses, does not buy more guesses.
    for (let i = 0; i < 3; i++) {
      expect((await checkLogin({ ctx, input: { address, email } })).allowed).toBe(true);
      await releaseLoginAttempt({ ctx, input: { address, email, signedIn: true } });
    }
    expect((await checkLogin({ ctx, input: { address, email: null } })).allowed).toBe(true);
    expect(await checkLogin({ ctx, input: { address, email: null } })).toMatchObject({ allowed: false });
  });

  it('starts a window afresh once the previous one has ended', async () => {
    const { address, email } = fresh();
    for (let i = 0; i < 5; i++) await checkLogin({ ctx, input: { address, email } });
    expect(await checkLogin({ ctx, input: { address, email } })).toEqual({ allowed: true, delayMs: 3000 });
    tick(LOGIN_WINDOW_MS);
    expect(await checkLogin({ ctx, input: { address, email } })).toEqual({ allowed: true, delayMs: 0 });
  });

  it('counts attempts made at once exactly: no parallel guess slips past the limit', async () => {
    const { address } = fresh();
    const verdicts = await Promise.all(
      Array.from({ length: 3 * ADDRESS_MAX_FAILURES }, (_, i) =>
        checkLogin({ ctx, input: { address, email: `parallel${i}@example.com` } }),
      ),
    );
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(ADDRESS_MAX_FAILURES);
  });

  it('keeps no address or typed email in clear', async () => {
    await checkLogin({ ctx, input: { address: '198.51.100.77', email: 'hunter2-typed-in-the-email-field' } });
    const dump = JSON.stringify(await env.database.db.select().from(loginAttempts));
    expect(dump).not.toContain('198.51.100.77');
    expect(dump).not.toContain('hunter2');
  });

  it('prunes ended windows and run-out locks, and keeps the rest', async () => {
    const locked = fresh().address;
    await checkLogin({ ctx, input: { address: locked, email: null } });
    tick(LOGIN_WINDOW_MS / 2);
    for (let i = 0; i < ADDRESS_MAX_FAILURES; i++)
      await checkLogin({ ctx, input: { address: locked, email: null } });
    tick(LOGIN_WINDOW_MS / 2 + 1);
    const recent = fresh();
    await checkLogin({ ctx, input: recent });
    await pruneLoginAttempts(ctx);
    // Past its window but still locked: kept.
    expect(await checkLogin({ ctx, input: { address: locked, email: null } })).toMatchObject({
      allowed: false,
    });
    expect(await env.database.db.select().from(loginAttempts)).toHaveLength(3);
    tick(ADDRESS_LOCK_MS + 1);
    const { deleted } = await pruneLoginAttempts(ctx);
    expect(deleted).toBe(3);
    expect(await env.database.db.select().from(loginAttempts)).toHaveLength(0);
  });

  it('is pruned by the retention job', async () => {
    await checkLogin({ ctx, input: fresh() });
    tick(LOGIN_WINDOW_MS + 1);
    const job = startRetention({ base: { ...env.base, now: () => clock }, intervalMs: 60_000 });
    await job.idle();
    await job.stop();
    expect(await env.database.db.select().from(loginAttempts)).toHaveLength(0);
  });
});
