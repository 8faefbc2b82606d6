import { describe, expect, it } from 'vitest';
import { WakeSignal } from './signal';

describe('the wake-up signal', () => {
  it('wakes the waiters of its own outbox only, once, and forgets them', async () => {
    const mine = new WakeSignal();
    const other = new WakeSignal();
    const woke: string[] = [];
    const abort = new AbortController();
    // A poll far away: only a notify (or the abort, at the end) can end these waits.
    const a = mine.wait(3_600_000, abort.signal).then(() => woke.push('a'));
    const b = other.wait(3_600_000, abort.signal).then(() => woke.push('b'));
    other.notify();
    await b;
    expect(woke).toEqual(['b']);
    mine.notify();
    await a;
    expect(woke).toEqual(['b', 'a']);
    // Nobody waits any more: a second notify finds nothing to wake.
    mine.notify();
    abort.abort();
  });

  it('ends a wait when its abort signal fires or its other promise settles', async () => {
    const signal = new WakeSignal();
    const abort = new AbortController();
    const stopped = signal.wait(3_600_000, abort.signal);
    abort.abort();
    await stopped;
    let settle = () => {};
    const also = new Promise<void>((r) => {
      settle = r;
    });
    const freed = signal.wait(3_600_000, undefined, also);
    settle();
    await freed;
  });
});
