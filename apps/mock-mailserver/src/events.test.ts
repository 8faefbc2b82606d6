import { describe, expect, it } from 'vitest';
import { EventLog } from './events.js';

describe('EventLog', () => {
  it('replays what came after an id, and says when part of it was dropped', () => {
    const log = new EventLog(3);
    for (let i = 1; i <= 5; i++) log.publish('message', { n: i });
    expect(log.since(3)).toEqual({
      complete: true,
      events: [expect.objectContaining({ id: 4 }), expect.objectContaining({ id: 5 })],
    });
    // Events 2 and 3 after id 1 were dropped from the buffer of three.
    const partial = log.since(1);
    expect(partial.complete).toBe(false);
    expect(partial.events.map((e) => e.id)).toEqual([3, 4, 5]);
    expect(log.since(5)).toEqual({ complete: true, events: [] });
  });

  it('treats an id ahead of its own as one from an earlier run: everything, and incomplete', () => {
    const log = new EventLog();
    log.publish('message', {});
    expect(log.since(40)).toEqual({ complete: false, events: [expect.objectContaining({ id: 1 })] });
    expect(new EventLog().since(0)).toEqual({ complete: true, events: [] });
  });

  it('notifies subscribers until they unsubscribe', () => {
    const log = new EventLog();
    const seen: number[] = [];
    const unsubscribe = log.subscribe((e) => seen.push(e.id));
    log.publish('reset', {});
    unsubscribe();
    log.publish('reset', {});
    expect(seen).toEqual([1]);
  });
});
