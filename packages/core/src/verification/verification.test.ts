import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { getAccount } from '../accounts/getAccount';
import { updateAccount } from '../accounts/updateAccount';
import { createContext } from '../context';
import { logs } from '../db/schema';
import { getMessage } from '../outbox/getMessage';
import { failure, mockAccount } from '../outbox/testkit';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { confirmVerification } from './confirmVerification';
import { getVerification } from './getVerification';
import { startVerification } from './startVerification';

describe.each(backends)('verification by code on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: false });
  });
  afterEach(async () => {
    await mock.reset();
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  /** A context whose clock runs `ms` ahead. */
  const at = (ms: number) =>
    createContext({ ...env.base, now: () => new Date(Date.now() + ms) }, env.ctx.actor);

  async function sendCode(accountId: string, to = 'admin@example.org') {
    await startVerification({ ctx: env.ctx, id: accountId, input: { to } });
    return mock.waitForCode({ to, timeoutMs: 5000 });
  }

  it('stores the code only hashed: neither the codes table nor the journal holds it in clear', async () => {
    const account = await mockAccount(env.ctx, mock);
    const code = await sendCode(account.id);
    const r = await env.database.db.execute(
      sql`select (select json_agg(v)::text from verification_codes v) || (select json_agg(m)::text from messages m) as dump`,
    );
    const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ dump: string }>;
    expect(rows[0]?.dump).toContain('admin@example.org');
    expect(rows[0]?.dump).not.toContain(code);
  });

  it('refuses an expired code with code_expired', async () => {
    const account = await mockAccount(env.ctx, mock);
    const code = await sendCode(account.id);
    const err = await failure(confirmVerification({ ctx: at(11 * 60_000), id: account.id, input: { code } }));
    expect(err.code).toBe('code_expired');
    expect((await getAccount({ ctx: env.ctx, id: account.id })).outgoing?.verifiedAt).toBeNull();
  });

  it('allows five attempts: after five wrong codes even the right one is refused', async () => {
    const account = await mockAccount(env.ctx, mock);
    const code = await sendCode(account.id);
    const wrong = code === '999999' ? '000000' : '999999';
    const left: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const err = await failure(
        confirmVerification({ ctx: env.ctx, id: account.id, input: { code: wrong } }),
      );
      left.push(err.code === 'code_invalid' ? err.extra?.attemptsLeft : err.code);
    }
    expect(left).toEqual([4, 3, 2, 1, 'code_attempts_exceeded']);
    const err = await failure(confirmVerification({ ctx: env.ctx, id: account.id, input: { code } }));
    expect(err.code).toBe('code_attempts_exceeded');
  });

  it('only the newest code works, and a settings change invalidates it', async () => {
    const account = await mockAccount(env.ctx, mock);
    const first = await sendCode(account.id, 'one@example.org');
    const second = await (async () => {
      await startVerification({ ctx: at(31_000), id: account.id, input: { to: 'two@example.org' } });
      return mock.waitForCode({ to: 'two@example.org', timeoutMs: 5000 });
    })();
    if (first !== second) {
      const err = await failure(
        confirmVerification({ ctx: at(31_000), id: account.id, input: { code: first } }),
      );
      expect(err.code).toBe('code_invalid');
    }
    const ok = await confirmVerification({ ctx: at(31_000), id: account.id, input: { code: second } });
    expect(ok.verified).toBe(true);
    // Moving the connection resets verification; a code sent before no longer confirms it.
    await startVerification({ ctx: at(62_000), id: account.id, input: { to: 'three@example.org' } });
    const third = await mock.waitForCode({ to: 'three@example.org', timeoutMs: 5000 });
    await updateAccount({ ctx: at(63_000), id: account.id, input: { outgoing: { host: 'localhost' } } });
    expect((await getAccount({ ctx: env.ctx, id: account.id })).outgoing?.verifiedAt).toBeNull();
    const err = await failure(
      confirmVerification({ ctx: at(62_000), id: account.id, input: { code: third } }),
    );
    expect(err.code).toBe('code_expired');
    expect(err.message).toContain('settings changed');
  });

  it('keeps the code out of the debug transcript, the attempt and every log row of the send', async () => {
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: `Debug verification ${backend}`,
        debug: true,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          from: { address: 'verify@example.com' },
        },
      },
    });
    const started = await startVerification({
      ctx: env.ctx,
      id: account.id,
      input: { to: 'admin@example.org' },
    });
    const code = await mock.waitForCode({ to: 'admin@example.org', timeoutMs: 5000 });
    const rows = await env.database.db.select().from(logs).where(eq(logs.accountId, account.id));
    const transcript = rows.find((r) => r.message.startsWith('Transcript of message'));
    expect(transcript?.message).toContain('354 ');
    expect(transcript?.message).toContain('message content left out');
    const message = await getMessage({ ctx: env.ctx, id: started.messageId });
    expect(JSON.stringify({ rows, message, started })).not.toContain(code);
  });

  it('tells what is pending (to, sent, expiry, attempts) without the code, until it is used', async () => {
    const account = await mockAccount(env.ctx, mock);
    expect(await getVerification({ ctx: env.ctx, id: account.id })).toEqual({
      accountId: account.id,
      pending: null,
      verifiedAt: null,
      resendAfter: null,
    });
    const started = await startVerification({
      ctx: env.ctx,
      id: account.id,
      input: { to: 'admin@example.org' },
    });
    const code = await mock.waitForCode({ to: 'admin@example.org', timeoutMs: 5000 });
    const state = await getVerification({ ctx: env.ctx, id: account.id });
    expect(state.pending).toMatchObject({
      to: 'admin@example.org',
      expiresAt: started.expiresAt,
      attemptsLeft: 5,
    });
    const sentAt = Date.parse(state.pending!.sentAt);
    expect(Date.parse(state.pending!.expiresAt) - sentAt).toBe(10 * 60_000);
    expect(Date.parse(state.resendAfter!) - sentAt).toBe(30_000);
    expect(state.resendAfter).toBe(started.resendAfter);
    expect(JSON.stringify(state)).not.toContain(code);
    // A wrong guess counts; the clock passing the resend time frees "send again" but keeps the code.
    await failure(
      confirmVerification({
        ctx: env.ctx,
        id: account.id,
        input: { code: code === '999999' ? '000000' : '999999' },
      }),
    );
    const later = await getVerification({ ctx: at(31_000), id: account.id });
    expect(later.pending?.attemptsLeft).toBe(4);
    expect(later.resendAfter).toBeNull();
    expect((await getVerification({ ctx: at(10 * 60_000 + 1000), id: account.id })).pending).toBeNull();
    const ok = await confirmVerification({ ctx: env.ctx, id: account.id, input: { code } });
    expect(await getVerification({ ctx: env.ctx, id: account.id })).toMatchObject({
      pending: null,
      verifiedAt: ok.verifiedAt,
    });
  });

  it('drops the pending code when the connection settings change', async () => {
    const account = await mockAccount(env.ctx, mock);
    const code = await sendCode(account.id);
    await confirmVerification({ ctx: env.ctx, id: account.id, input: { code } });
    await startVerification({ ctx: at(31_000), id: account.id, input: { to: 'again@example.org' } });
    expect((await getVerification({ ctx: at(32_000), id: account.id })).pending?.to).toBe(
      'again@example.org',
    );
    await updateAccount({ ctx: at(33_000), id: account.id, input: { outgoing: { host: 'localhost' } } });
    expect(await getVerification({ ctx: at(34_000), id: account.id })).toMatchObject({
      pending: null,
      verifiedAt: null,
    });
  });

  it('answers a too-early resend with the code still pending, and the hourly limit with its time', async () => {
    const account = await mockAccount(env.ctx, mock);
    await sendCode(account.id, 'first@example.org');
    const err = await failure(
      startVerification({ ctx: at(5000), id: account.id, input: { to: 'second@example.org' } }),
    );
    expect(err.code).toBe('rate_limited');
    expect(err.extra).toMatchObject({
      retryAfterSeconds: 25,
      pending: { to: 'first@example.org', attemptsLeft: 5 },
    });
    // Four more, 31 seconds apart: the fifth of the hour says the next one waits for the hour to pass.
    let last = await getVerification({ ctx: env.ctx, id: account.id });
    const first = Date.parse(last.pending!.sentAt);
    for (let i = 1; i <= 4; i++) {
      const started = await startVerification({
        ctx: at(i * 31_000),
        id: account.id,
        input: { to: `again${i}@example.org` },
      });
      await mock.waitForCode({ to: `again${i}@example.org`, timeoutMs: 5000 });
      if (i === 4) expect(Date.parse(started.resendAfter)).toBe(first + 3600_000);
    }
    last = await getVerification({ ctx: at(5 * 31_000), id: account.id });
    expect(last.pending?.to).toBe('again4@example.org');
    expect(Date.parse(last.resendAfter!)).toBe(first + 3600_000);
  });

  it('reports a refused verification mail as delivery_failed and leaves no code that works', async () => {
    const account = await mockAccount(env.ctx, mock);
    mock.faults.set([{ stage: 'rcpt', code: 451, message: 'Try later' }]);
    const err = await failure(
      startVerification({ ctx: env.ctx, id: account.id, input: { to: 'admin@example.org' } }),
    );
    expect(err.code).toBe('delivery_failed');
    expect(err.extra).toMatchObject({ errorClass: 'rejected', responseCode: 451, messageStatus: 'failed' });
    const confirm = await failure(
      confirmVerification({ ctx: env.ctx, id: account.id, input: { code: '123456' } }),
    );
    expect(confirm.code).toBe('code_expired');
  });
});
