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

  it('broadcasts a burst of wake-ups to the other processes once, and wakes only its own from theirs', async () => {
    const signal = new WakeSignal();
    let sent = 0;
    let delivered = () => {};
    const broadcast = new Promise<void>((r) => {
      delivered = r;
    });
    const disconnect = signal.connect(() => {
      sent += 1;
      delivered();
    });
    for (let i = 0; i < 50; i++) signal.notify();
    await broadcast;
    expect(sent).toBe(1);
    // A wake-up from another process wakes the waiters here and is not sent back.
    const waiting = signal.wait(3_600_000);
    signal.wakeLocal();
    await waiting;
    await new Promise((r) => setImmediate(r));
    expect(sent).toBe(1);
    disconnect();
  });
});
