import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CtxBase } from '../context';
import { logs } from '../db/schema';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { queryLogs, startLogPruner } from '.';

const DAY = 86_400_000;

describe.each(backends)('log retention writes what it does to the Main Log on %s', (backend) => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await createTestEnv(backend, { logRetentionDays: 30 });
  });
  afterEach(async () => {
    await env?.close();
  });

  const retentionRows = async () =>
    (
      await queryLogs({
        ctx: env.ctx,
        input: { source: 'email_logger', since: '2000-01-01T00:00:00Z', pageSize: 500 },
      })
    ).items.reverse();

  it('records its start, how many rows each run removed, and its stop', async () => {
    await env.database.db.insert(logs).values(
      [90, 45, 31, 2].map((days) => ({
        at: new Date(Date.now() - days * DAY),
        source: 'queue' as const,
        level: 'info' as const,
        message: `row from ${days} days ago`,
      })),
    );
    const job = startLogPruner({ base: env.base, intervalMs: 60_000 });
    await job.idle();
    await job.stop();

    const rows = await retentionRows();
    expect(rows.map((r) => r.message)).toEqual([
      'Log retention started: keeps 30 days of logs',
      expect.stringMatching(/^Log retention removed 3 rows older than \d{4}-\d\d-\d\dT/),
      'Log retention stopped',
    ]);
    expect(rows.map((r) => [r.level, r.actor])).toEqual([
      ['info', 'system'],
      ['info', 'system'],
      ['info', 'system'],
    ]);
    expect(rows[0]?.context).toEqual({ retentionDays: 30, intervalMs: 60_000 });
    expect(rows[1]?.context).toMatchObject({ deleted: 3, retentionDays: 30 });
    const left = await queryLogs({ ctx: env.ctx, input: { source: 'queue', since: '2000-01-01T00:00:00Z' } });
    expect(left.items.map((r) => r.message)).toEqual(['row from 2 days ago']);
  });

  it('says so when a run removed nothing, and stops once however often it is asked to', async () => {
    const job = startLogPruner({ base: env.base, intervalMs: 60_000 });
    await job.idle();
    await Promise.all([job.stop(), job.stop()]);
    expect((await retentionRows()).map((r) => r.message)).toEqual([
      'Log retention started: keeps 30 days of logs',
      expect.stringMatching(/^Log retention removed 0 rows older than/),
      'Log retention stopped',
    ]);
  });

  it('writes a failed run as an error row, without the query parameters of the database error', async () => {
    // A database whose deletes fail (a full disk, a lost permission); inserts, the log's own, still work.
    const failing = new Proxy(env.base.db, {
      get(target, key, receiver) {
        if (key === 'delete') {
          return () => {
            throw new Error('Failed query: delete from "logs"\nparams: 2026-01-01,hash-of-something');
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const base: CtxBase = { ...env.base, db: failing };
    const job = startLogPruner({ base, intervalMs: 60_000 });
    await job.idle();
    await job.stop();
    const errors = (await retentionRows()).filter((r) => r.level === 'error');
    expect(errors.map((r) => r.message)).toEqual([
      'Log retention failed: Failed query: delete from "logs"',
      'Pruning ended sign-in counters failed: Failed query: delete from "logs"',
    ]);
    expect(JSON.stringify(errors)).not.toContain('hash-of-something');
  });
});
