import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthorizationView, DeviceStarted } from '../../lib/oauth';
import { mount } from '../../test/mount';
import { DeviceCodePanel } from './DeviceCodePanel';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const started: DeviceStarted = {
  id: 'auth1',
  flow: 'device',
  userCode: 'WDJB-MJHT',
  verificationUri: 'https://mock.test/device',
  expiresIn: 90,
  interval: 5,
};

function show(answers: Array<AuthorizationView['status'] | Error>, s: DeviceStarted = started) {
  const polls: string[] = [];
  const done: AuthorizationView[] = [];
  const poll = async (id: string): Promise<AuthorizationView> => {
    polls.push(id);
    const a = answers.shift() ?? 'pending';
    if (a instanceof Error) throw a;
    return { id, status: a, identity: a === 'connected' ? 'someone@oauth.mock.test' : null };
  };
  const root = mount(() => (
    <DeviceCodePanel started={s} poll={poll} onDone={(v) => done.push(v)} onRestart={() => {}} />
  ));
  return { root, polls, done };
}

describe('DeviceCodePanel', () => {
  it('shows the code, the verification link and a countdown that runs down', async () => {
    const { root } = show([]);
    expect(root.querySelector('.device-code')?.textContent).toBe('WDJB-MJHT');
    const link = root.querySelector('a') as HTMLAnchorElement;
    expect(link.href).toBe('https://mock.test/device');
    expect(root.querySelector('.countdown')?.textContent).toBe('1:30');
    await vi.advanceTimersByTimeAsync(3000);
    expect(root.querySelector('.countdown')?.textContent).toBe('1:27');
  });

  it('polls at the given interval until connected, then shows the identity', async () => {
    const { root, polls, done } = show(['pending', 'connected']);
    await vi.advanceTimersByTimeAsync(4999);
    expect(polls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(polls).toEqual(['auth1']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(polls).toHaveLength(2);
    expect(done.map((d) => d.status)).toEqual(['connected']);
    expect(root.textContent).toContain('Connected as someone@oauth.mock.test');
    expect(root.querySelector('.device-code')).toBeNull();
    // Polling stops once there is an outcome.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(polls).toHaveLength(2);
  });

  it('says when the sign-in was denied and offers a new code', async () => {
    const { root, done } = show(['denied']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(done.map((d) => d.status)).toEqual(['denied']);
    expect(root.textContent).toContain('The sign-in was denied');
    expect(root.textContent).toContain('Get a new code');
  });

  it('keeps polling through a dropped request', async () => {
    const { root, polls, done } = show([new Error('offline'), 'connected']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(root.textContent).toContain('still trying');
    await vi.advanceTimersByTimeAsync(5000);
    expect(polls).toHaveLength(2);
    expect(done.map((d) => d.status)).toEqual(['connected']);
  });

  it('ends as expired when the countdown reaches zero', async () => {
    const { root, done } = show([], { ...started, expiresIn: 8, interval: 5 });
    await vi.advanceTimersByTimeAsync(8000);
    expect(done.map((d) => d.status)).toEqual(['expired']);
    expect(root.textContent).toContain('The code expired');
  });
});
