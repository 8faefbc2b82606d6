import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, listTimeline } from '../accounts';
import { createContext } from '../context';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { testConnection } from '.';

const USER = 'sales@example.com';
const PASSWORD = 'Presave-pw-31';

describe.each(backends)('a test run in the form before the first Save counts on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  let now = new Date('2026-03-01T10:00:00.000Z');
  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({
      smtpsPort: false,
      pop3Port: false,
      httpPort: false,
      users: { [USER]: PASSWORD },
    });
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });
  const as = (label: string) => createContext({ ...env.base, now: () => now }, { ...env.ctx.actor, label });
  const outgoing = (password: string) => ({
    transport: 'smtp',
    host: '127.0.0.1',
    port: mock.smtpPort,
    security: 'none',
    auth: { method: 'password', username: USER, password },
    from: { address: USER },
  });
  let n = 0;
  const create = (ctx: ReturnType<typeof as>, password: string) =>
    createAccount({ ctx, input: { name: `Presave ${backend} ${++n}`, outgoing: outgoing(password) } });
  const test = (ctx: ReturnType<typeof as>, password: string) =>
    testConnection({ ctx, input: { direction: 'outgoing', outgoing: outgoing(password) } });

  it('starts the account created with the tested settings from the result', async () => {
    const ann = as('ann@test');
    expect((await test(ann, PASSWORD)).ok).toBe(true);
    // What the test did not exercise may change before the Save: the From name, the send mode.
    const acc = await createAccount({
      ctx: ann,
      input: {
        name: `Presave ${backend} ${++n}`,
        outgoing: { ...outgoing(PASSWORD), from: { address: USER, name: 'Sales' }, sendMode: 'immediate' },
      },
    });
    expect(acc.health).toBe('ok');
    expect(acc.healthReason).toBe('Outgoing test passed');
    expect(acc.lastTest.outgoing).toMatchObject({ ok: true, at: now.toISOString() });
    // All three at the same instant (the test's clock): their order is not the point.
    const timeline = (await listTimeline({ ctx: ann, id: acc.id })).map((e) => e.summary).sort();
    expect(timeline).toEqual([
      `Account "${acc.name}" created`,
      'Health: ok — Outgoing test passed',
      expect.stringMatching(/^Outgoing connection test passed in \d+ ms \(run in the form before saving\)$/),
    ]);
    // Counted once: a second account with the same settings starts untested.
    expect((await create(ann, PASSWORD)).health).toBe('unknown');
  });

  it('counts a failed test too', async () => {
    const ann = as('ann@test');
    expect((await test(ann, 'not-the-password')).error?.code).toBe('auth');
    const acc = await create(ann, 'not-the-password');
    expect(acc.health).toBe('auth_failed');
    expect(acc.lastTest.outgoing).toMatchObject({ ok: false, errorCode: 'auth' });
  });

  it('does not count a test of other settings, by someone else, or older than 30 minutes', async () => {
    const ann = as('ann@test');
    await test(ann, PASSWORD);
    // Another password than the one tested (the settings without secrets are the same).
    expect((await create(ann, 'another-password')).health).toBe('unknown');
    // Another From address: the test's MAIL FROM was not this one.
    const other = { ...outgoing(PASSWORD), from: { address: 'other@example.com' } };
    expect(
      (await createAccount({ ctx: ann, input: { name: `Presave ${backend} ${++n}`, outgoing: other } }))
        .health,
    ).toBe('unknown');
    // Someone else saving what Ann tested.
    await test(ann, PASSWORD);
    expect((await create(as('bob@test'), PASSWORD)).health).toBe('unknown');
    // Ann, but half an hour later.
    now = new Date(now.getTime() + 30 * 60_000 + 1);
    expect((await create(ann, PASSWORD)).health).toBe('unknown');
  });
});
