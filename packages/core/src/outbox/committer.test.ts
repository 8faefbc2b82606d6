import { describe, expect, it } from 'vitest';
import type { Ctx } from '../context';
import { createCommitter } from './committer';
import type { Attempted } from './deliverMessage';
import { withPolicy } from './policy';
import type { Recorded } from './recordOutcomes';

/** A finished attempt for message `id`: all the committer reads is the message id. */
const attempt = (id: string) => ({ message: { id } }) as unknown as Attempted;

/** A committer whose writes are recorded instead of reaching a database. */
function harness(opts: { lingerMs?: number; maxBatch?: number; failFirst?: number } = {}) {
  const batches: string[][] = [];
  let failures = opts.failFirst ?? 0;
  const committer = createCommitter({} as Ctx, withPolicy({}), {
    ...opts,
    write: async ({ attempts }) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('database away');
      }
      batches.push(attempts.map((a) => a.message.id));
      await new Promise((r) => setTimeout(r, 5));
      return attempts.map(
        (a) => ({ id: a.message.id, status: 'sent', recorded: true }) as unknown as Recorded,
      );
    },
  });
  return { committer, batches };
}

describe('group commit', () => {
  it('commits outcomes that arrive within the linger together, and each caller learns its own result', async () => {
    const { committer, batches } = harness({ lingerMs: 30 });
    const first = committer.record(attempt('a'));
    await new Promise((r) => setTimeout(r, 5));
    const rest = ['b', 'c', 'd'].map((id) => committer.record(attempt(id)));
    const results = await Promise.all([first, ...rest]);
    expect(batches).toEqual([['a', 'b', 'c', 'd']]);
    expect(results.map((r) => r?.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('does not wait for the linger once a batch is full, or when flushed', async () => {
    // A linger longer than the test's timeout: a committer that waited for it fails the test, no clock needed.
    const { committer, batches } = harness({ lingerMs: 3_600_000, maxBatch: 3 });
    await Promise.all(['a', 'b', 'c'].map((id) => committer.record(attempt(id))));
    expect(batches).toEqual([['a', 'b', 'c']]);
    const last = committer.record(attempt('d'));
    await committer.flush();
    await last;
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('commits at once without a linger; outcomes finished during a commit go in the next one', async () => {
    const { committer, batches } = harness();
    const a = committer.record(attempt('a'));
    const b = committer.record(attempt('b'));
    await Promise.all([a, b]);
    expect(batches).toEqual([['a'], ['b']]);
  });

  it('keeps trying while the database is away: an outcome is never dropped', async () => {
    const { committer, batches } = harness({ failFirst: 2 });
    const r = await committer.record(attempt('a'));
    expect(r?.recorded).toBe(true);
    expect(batches).toEqual([['a']]);
  });
});
