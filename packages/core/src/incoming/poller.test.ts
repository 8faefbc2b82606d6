import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CtxBase } from '../context';
import { queryLogs } from '../logs';
import { createTestEnv, type TestEnv } from '../testing';
import { startPoller } from './poller';

describe('the poller writes what it does to the Main Log', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await createTestEnv('pglite');
  });
  afterEach(async () => {
    await env?.close();
  });

  const incomingRows = async () =>
    (
      await queryLogs({
        ctx: env.ctx,
        input: { source: 'incoming', since: '2000-01-01T00:00:00Z', pageSize: 500 },
      })
    ).items.reverse();

  it('records its start and its stop, by the system, with the poller that wrote them', async () => {
    const poller = startPoller(env.base, { owner: 'poller:test', tickMs: 60_000 });
    await poller.idle();
    await poller.stop();
    const rows = await incomingRows();
    expect(rows.map((r) => [r.level, r.message])).toEqual([
      ['info', 'Poller started: checks for due accounts every 60 s'],
      ['info', 'Poller stopped'],
    ]);
    expect(rows.map((r) => r.actor)).toEqual(['system', 'system']);
    expect(rows[0]?.context).toEqual({ owner: 'poller:test', tickMs: 60_000 });
  });

  it('records a failing poll cycle once, not every cycle, and when cycles work again', async () => {
    // The first two cycles find the database failing the same way; the third finds it back.
    let selects = 0;
    let thirdCycle!: () => void;
    const third = new Promise<void>((resolve) => {
      thirdCycle = resolve;
    });
    const flaky = new Proxy(env.base.db, {
      get(target, key, receiver) {
        if (key === 'select') {
          selects++;
          if (selects === 3) thirdCycle();
          if (selects <= 2) {
            return () => {
              throw new Error('Failed query: select "id" from "accounts"\nparams: active,hash-of-something');
            };
          }
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const base: CtxBase = { ...env.base, db: flaky };
    const poller = startPoller(base, { owner: 'poller:flaky', tickMs: 1 });
    await third;
    await poller.stop();

    const rows = await incomingRows();
    expect(rows.map((r) => [r.level, r.message])).toEqual([
      ['info', 'Poller started: checks for due accounts every 1 ms'],
      ['error', 'Poll cycle failed: Failed query: select "id" from "accounts"'],
      ['info', 'Poll cycles work again after 2 failed cycles'],
      ['info', 'Poller stopped'],
    ]);
    expect(rows[2]?.context).toEqual({ owner: 'poller:flaky', failedCycles: 2 });
    expect(JSON.stringify(rows)).not.toContain('hash-of-something');
  });
});
