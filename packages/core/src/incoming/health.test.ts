import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, getAccount, listTimeline, updateAccount } from '../accounts';
import { type Ctx, createContext, systemActor } from '../context';
import { queryLogs } from '../logs';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { fetchAccount } from '.';
import { claimPollLease, releasePollLease } from './lease';

const RIGHT = 'right-pop3-password';
const WRONG = 'wrong-pop3-password';
const MAILBOX = 'ops@example.org';
const t0 = new Date('2026-03-01T10:00:00.000Z');
const min = 60_000;
const at = (minutes: number) => new Date(t0.getTime() + minutes * min);

describe.each(backends)('fetches feed the account health on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  // The clock of every fetch below: each poll happens at the time the test sets.
  let now = t0;
  let poller: Ctx;
  let admin: Ctx;
  beforeAll(async () => {
    env = await createTestEnv(backend, { timeouts: { connectMs: 2000, greetingMs: 2000, commandMs: 2000 } });
    mock = await startMockMailServer({
      smtpPort: false,
      smtpsPort: false,
      httpPort: false,
      users: { [MAILBOX]: RIGHT },
    });
    poller = createContext({ ...env.base, now: () => now }, systemActor);
    admin = createContext({ ...env.base, now: () => now }, env.ctx.actor);
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  let n = 0;
  const pop3Account = (password: string) =>
    createAccount({
      ctx: admin,
      input: {
        name: `Ops ${backend} ${++n}`,
        incoming: {
          protocol: 'pop3',
          host: '127.0.0.1',
          port: mock.pop3Port,
          security: 'none',
          auth: { method: 'password', username: MAILBOX, password },
          pollIntervalSec: 60,
        },
      },
    });
  const poll = async (id: string, minutes: number) => {
    now = at(minutes);
    return fetchAccount({ ctx: poller, id, scheduled: true });
  };
  const rows = async (accountId: string, source: 'incoming' | 'pop3_auth') =>
    (
      await queryLogs({ ctx: env.ctx, input: { accountId, source, since: '2000-01-01T00:00:00Z' } })
    ).items.reverse();

  it('shows a refused login after one poll, backs off, and logs once per change plus an hourly reminder', async () => {
    const acc = await pop3Account(WRONG);
    expect((await getAccount({ ctx: env.ctx, id: acc.id })).health).toBe('unknown');

    expect((await poll(acc.id, 0)).error?.code).toBe('auth');
    let view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.health).toBe('auth_failed');
    expect(view.healthReason).toMatch(/^Incoming: fetch failed \(auth\): /);
    expect(view.fetching).toMatchObject({
      health: { health: 'auth_failed', since: t0.toISOString() },
      lastOk: null,
      lastFailed: { at: t0.toISOString(), errorCode: 'auth', reply: expect.stringContaining('-ERR') },
      failuresInARow: 1,
      nextPollAt: at(1).toISOString(),
    });
    expect(JSON.stringify(view)).not.toContain(WRONG);

    // Polls at 1, 3, 7 minutes fail the same way: each waits twice as long, none adds a row.
    await poll(acc.id, 1);
    await poll(acc.id, 3);
    await poll(acc.id, 7);
    view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.fetching).toMatchObject({ failuresInARow: 4, nextPollAt: at(15).toISOString() });
    expect(view.fetching?.health?.since).toBe(t0.toISOString());
    expect((await rows(acc.id, 'incoming')).map((r) => r.level)).toEqual(['error']);
    const auth = await rows(acc.id, 'pop3_auth');
    expect(auth.map((r) => [r.level, r.message])).toEqual([
      [
        'error',
        expect.stringMatching(
          /^POP3 authentication as ops@example\.org failed on 127\.0\.0\.1:\d+ when fetching: .+ \(-ERR \[AUTH\] invalid username or password\)$/,
        ),
      ],
    ]);

    // An hour after the first row, one reminder; the backoff is capped at 30 minutes.
    await poll(acc.id, 61);
    view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.fetching?.nextPollAt).toBe(at(61 + 16).toISOString());
    const incoming = await rows(acc.id, 'incoming');
    expect(incoming.map((r) => r.message)).toEqual([
      expect.stringContaining('failed (auth)'),
      expect.stringContaining(`still failing after 5 polls since ${t0.toISOString()} (auth)`),
    ]);

    // The admin types the right password: health is unknown until the next poll, which comes at once.
    await updateAccount({
      ctx: admin,
      id: acc.id,
      input: { incoming: { auth: { method: 'password', username: MAILBOX, password: RIGHT } } },
    });
    view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.health).toBe('unknown');
    expect(view.healthReason).toBe('Incoming: settings changed since the last test');
    expect(view.fetching).toMatchObject({ failuresInARow: 0, nextPollAt: null });
    // The first poll of the new settings works, says so once, and the health is ok.
    await poll(acc.id, 62);
    view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.health).toBe('ok');
    expect(view.fetching).toMatchObject({
      health: { health: 'ok', reason: 'Incoming: fetching works', since: at(62).toISOString() },
      lastOk: { at: at(62).toISOString(), errorCode: null, summary: 'Fetched 0 new messages over POP3' },
      lastFailed: { at: at(61).toISOString(), errorCode: 'auth' },
      failuresInARow: 0,
      nextPollAt: at(63).toISOString(),
    });
    expect((await rows(acc.id, 'incoming')).at(-1)?.message).toMatch(
      /^Fetched 0 new messages from POP3 127\.0\.0\.1/,
    );
    await poll(acc.id, 63);
    expect(await rows(acc.id, 'incoming')).toHaveLength(3);

    const health = (await listTimeline({ ctx: env.ctx, id: acc.id }))
      .filter((e) => e.type === 'health_changed')
      .map((e) => e.summary)
      .reverse();
    expect(health).toEqual([
      expect.stringMatching(/^Health: auth failed — Incoming: fetch failed \(auth\): /),
      'Health: unknown — Incoming: settings changed since the last test',
      'Health: ok — Incoming: fetching works',
    ]);
  });

  it('says once that fetching works again when the server comes back, settings unchanged', async () => {
    const away = await startMockMailServer({
      smtpPort: false,
      smtpsPort: false,
      imapPort: false,
      imapsPort: false,
      httpPort: false,
    });
    const port = away.pop3Port;
    const acc = await createAccount({
      ctx: admin,
      input: {
        name: `Flaky ${backend}`,
        incoming: {
          protocol: 'pop3',
          host: '127.0.0.1',
          port,
          security: 'none',
          auth: { method: 'password', username: MAILBOX, password: RIGHT },
        },
      },
    });
    await poll(acc.id, 300);
    await away.close();
    expect((await poll(acc.id, 301)).error?.code).toBe('refused');
    expect((await getAccount({ ctx: env.ctx, id: acc.id })).health).toBe('failing');
    const back = await startMockMailServer({
      smtpPort: false,
      smtpsPort: false,
      imapPort: false,
      imapsPort: false,
      httpPort: false,
      pop3Port: port,
    });
    try {
      await poll(acc.id, 302);
      expect((await getAccount({ ctx: env.ctx, id: acc.id })).health).toBe('ok');
      expect((await rows(acc.id, 'incoming')).map((r) => [r.level, r.message])).toEqual([
        ['info', expect.stringMatching(/^Fetched 0 new messages/)],
        ['error', expect.stringMatching(/^Fetch from 127\.0\.0\.1 failed \(refused\)/)],
        ['info', expect.stringMatching(/works again after 1 failed poll$/)],
      ]);
    } finally {
      await back.close();
    }
  });

  it('logs an IMAP login refused by the server under imap_auth, at error', async () => {
    const acc = await createAccount({
      ctx: admin,
      input: {
        name: `Ops IMAP ${backend}`,
        incoming: {
          protocol: 'imap',
          host: '127.0.0.1',
          port: mock.imapPort,
          security: 'none',
          auth: { method: 'password', username: MAILBOX, password: WRONG },
        },
      },
    });
    expect((await poll(acc.id, 200)).error?.code).toBe('auth');
    expect((await getAccount({ ctx: env.ctx, id: acc.id })).health).toBe('auth_failed');
    const auth = await queryLogs({ ctx: env.ctx, input: { accountId: acc.id, source: 'imap_auth' } });
    expect(auth.items.map((r) => [r.level, r.message])).toEqual([
      [
        'error',
        expect.stringMatching(
          /^IMAP authentication as ops@example\.org failed on 127\.0\.0\.1:\d+ when fetching: .*AUTHENTICATIONFAILED/,
        ),
      ],
    ]);
    expect(JSON.stringify(auth)).not.toContain(WRONG);
  });

  it("keeps a failed TLS handshake's OpenSSL line as the fetch error's detail, under the sentence, redacted", async () => {
    // Implicit TLS to the plain POP3 port: OpenSSL reads the greeting as a TLS record and says so in its
    // own line ("…:SSL routines:ssl3_get_record:wrong version number:…"). The password is a word of that
    // line, so the line is only safe to keep once it went through the same redaction as the message.
    const secret = 'ssl3_get_record';
    const acc = await createAccount({
      ctx: admin,
      input: {
        name: `Ops TLS ${backend}`,
        incoming: {
          protocol: 'pop3',
          host: '127.0.0.1',
          port: mock.pop3Port,
          security: 'tls',
          auth: { method: 'password', username: MAILBOX, password: secret },
        },
      },
    });
    const sentence = /^The server did not answer in TLS \(127\.0\.0\.1(:\d+)?\): this port probably expects/;
    const detail = expect.stringMatching(/SSL routines.*wrong version number/);
    const result = await poll(acc.id, 400);
    expect(result.error).toMatchObject({ code: 'tls', message: expect.stringMatching(sentence), detail });
    const view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.fetching?.lastFailed).toMatchObject({
      errorCode: 'tls',
      summary: expect.stringMatching(sentence),
      detail,
    });
    const [logged] = await rows(acc.id, 'incoming');
    expect(logged).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/failed \(tls\): The server did not answer in TLS/),
      context: { error: { code: 'tls', detail } },
    });
    for (const shown of [result, view, logged]) expect(JSON.stringify(shown)).not.toContain(secret);
  });

  it('makes an account that fetches fine ok; the first poll and a person\'s "Fetch now" are logged, quiet polls are not', async () => {
    const acc = await pop3Account(RIGHT);
    await poll(acc.id, 100);
    expect((await getAccount({ ctx: env.ctx, id: acc.id })).health).toBe('ok');
    await poll(acc.id, 101);
    await poll(acc.id, 102);
    now = at(103);
    await fetchAccount({ ctx: admin, id: acc.id });
    expect((await rows(acc.id, 'incoming')).map((r) => [r.message, r.actor])).toEqual([
      [expect.stringMatching(/^Fetched 0 new messages from POP3 127\.0\.0\.1/), 'system'],
      [expect.stringMatching(/^Fetched 0 new messages from POP3 127\.0\.0\.1/), 'admin@test'],
    ]);
  });

  it('lets a person\'s "Fetch now" wait for the poll that is running, then fetch with the current settings', async () => {
    const acc = await pop3Account(WRONG);
    now = at(300);
    // The poller has started a fetch with the old password when the admin fixes it and presses "Fetch now".
    expect(await claimPollLease(env.ctx.db, acc.id, 'poller:other', now, 5 * min)).toBe(true);
    await updateAccount({
      ctx: admin,
      id: acc.id,
      input: { incoming: { auth: { method: 'password', username: MAILBOX, password: RIGHT } } },
    });
    // The person's fetch waits; a poll started after it skips the account while the lease is held.
    const pressed = fetchAccount({ ctx: admin, id: acc.id });
    await expect(fetchAccount({ ctx: poller, id: acc.id, scheduled: true })).rejects.toMatchObject({
      code: 'conflict',
    });
    await releasePollLease(env.ctx.db, acc.id, 'poller:other', {});
    const result = await pressed;
    expect(result.error).toBeUndefined();
    expect((await getAccount({ ctx: env.ctx, id: acc.id })).health).toBe('ok');
  });
});
