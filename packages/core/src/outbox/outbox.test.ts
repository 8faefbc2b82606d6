import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { and, asc, eq, like, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getAccount } from '../accounts/getAccount';
import { createContext } from '../context';
import * as tables from '../db/schema';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { cancelMessage } from './cancelMessage';
import { getMessage } from './getMessage';
import { listMessages } from './listMessages';
import { createOutbox } from './outbox';
import { retryMessage } from './retryMessage';
import { runWorker, type WorkerEvent } from './runWorker';
import { sendBulk } from './sendBulk';
import { deliveryFailed, sendMessage } from './sendMessage';
import { failure, fastPolicy, mockAccount, runUntil, runUntilStatus } from './testkit';

const mail = (accountId: string, extra: Record<string, unknown> = {}) => ({
  accountId,
  to: ['alice@example.org'],
  subject: `Hello ${Math.random().toString(36).slice(2)}`,
  text: 'Hi Alice',
  ...extra,
});

describe.each(backends)('outbox on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: 0 });
  });
  afterEach(async () => {
    await mock.reset();
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  it('queues a message (202, stored), and the worker delivers it with the server reply on record', async () => {
    const account = await mockAccount(env.ctx, mock);
    const res = await sendMessage({
      ctx: env.ctx,
      input: mail(account.id, {
        cc: ['carol@example.org'],
        bcc: ['bob@example.org'],
        html: '<p>Hi <b>Alice</b></p>',
        headers: { 'X-Campaign': 'spring' },
        attachments: [
          {
            filename: 'a.txt',
            contentType: 'text/plain',
            contentBase64: Buffer.from('hello').toString('base64'),
          },
        ],
      }),
    });
    expect(res.outcome).toBe('queued');
    expect(res.message).toMatchObject({
      status: 'queued',
      accountId: account.id,
      route: { reason: 'account_id' },
    });
    const done = await runUntilStatus(env, res.message.id, ['sent']);
    expect(done.sentAt).not.toBeNull();
    expect(done.attempts).toHaveLength(1);
    expect(done.attempts?.[0]).toMatchObject({ ok: true, errorCode: null });
    expect(done.attempts?.[0]?.reply).toMatch(/^250 /);
    expect(done.recipients.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const got = await mock.waitFor({ subject: res.message.subject, timeoutMs: 5000 });
    expect(got.messageId).toBe(done.messageId);
    expect(got.envelope.rcptTo.sort()).toEqual(['alice@example.org', 'bob@example.org', 'carol@example.org']);
    expect(got.headers['x-campaign']).toBe('spring');
    expect(got.headers.bcc).toBeUndefined();
    expect(got.attachments[0]).toMatchObject({ filename: 'a.txt', size: 5 });
  });

  it('sends immediately and answers with the server reply', async () => {
    const account = await mockAccount(env.ctx, mock, { sendMode: 'immediate' });
    const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
    expect(res.outcome).toBe('sent');
    expect(res.message.status).toBe('sent');
    expect(res.message.recipients[0]?.reply).toMatch(/^250 /);
    expect(mock.messages({ subject: res.message.subject })).toHaveLength(1);
  });

  it('pools connections per outbox, and closing the outbox closes them', async () => {
    const account = await mockAccount(env.ctx, mock, { sendMode: 'immediate' });
    // A second outbox on the same database, as a second process would have.
    const other = createOutbox(env.database.db);
    const ctx = createContext({ ...env.base, outbox: other }, env.ctx.actor);
    const res = await sendMessage({ ctx, input: mail(account.id) });
    expect(res.outcome).toBe('sent');
    expect([...other.transports.cache.keys()]).toEqual([account.id]);
    expect(env.base.outbox.transports.cache.has(account.id)).toBe(false);
    await other.close();
    expect(other.transports.cache.size).toBe(0);
  });

  it('answers an immediate 550 with a failed outcome carrying the reply, and keeps the message as failed', async () => {
    const account = await mockAccount(env.ctx, mock);
    mock.faults.set([{ stage: 'rcpt', code: 550, message: 'No such user here' }]);
    const res = await sendMessage({ ctx: env.ctx, input: mail(account.id, { mode: 'immediate' }) });
    expect(res.outcome).toBe('failed');
    expect(res.message.lastError).toMatchObject({ code: 'rejected', responseCode: 550 });
    // What the API answers with for it.
    const err = deliveryFailed(res.message);
    expect(err.code).toBe('delivery_failed');
    expect(err.status).toBe(502);
    expect(err.extra).toMatchObject({ errorClass: 'rejected', messageStatus: 'failed', responseCode: 550 });
    expect(String(err.extra?.reply)).toContain('No such user here');
    const stored = await getMessage({ ctx: env.ctx, id: String(err.extra?.messageId) });
    expect(stored.status).toBe('failed');
    expect(stored.recipients[0]).toMatchObject({ status: 'rejected' });
    expect(stored.recipients[0]?.reply).toContain('No such user here');
  });

  it('defers on RCPT 451, then delivers on the retry', async () => {
    const account = await mockAccount(env.ctx, mock);
    mock.faults.set([{ stage: 'rcpt', code: 451, message: 'Greylisted, try later', count: 1 }]);
    const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
    const done = await runUntilStatus(env, res.message.id, ['sent', 'failed']);
    expect(done.status).toBe('sent');
    expect(done.attempts?.map((a) => [a.ok, a.errorCode, a.responseCode])).toEqual([
      [false, 'rejected', 451],
      [true, null, 250],
    ]);
    expect(done.attempts?.[0]?.reply).toContain('Greylisted');
    expect(mock.messages({ subject: res.message.subject })).toHaveLength(1);
  });

  it('fails a queued message on 550 and shows the reply', async () => {
    const account = await mockAccount(env.ctx, mock);
    mock.faults.set([{ stage: 'rcpt', code: 550, message: 'Mailbox unavailable' }]);
    const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
    const done = await runUntilStatus(env, res.message.id, ['sent', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.lastError).toMatchObject({ code: 'rejected', responseCode: 550 });
    expect(done.lastError?.reply).toContain('Mailbox unavailable');
    expect(done.attempts).toHaveLength(1);
  });

  it('retries a message whose connection dropped during DATA', async () => {
    const account = await mockAccount(env.ctx, mock);
    mock.faults.set([{ stage: 'data', action: 'drop', count: 1 }]);
    const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
    const done = await runUntilStatus(env, res.message.id, ['sent', 'failed']);
    expect(done.status).toBe('sent');
    expect(done.attempts?.map((a) => a.ok)).toEqual([false, true]);
    expect(done.attempts?.[0]?.errorCode).toBe('protocol');
    expect(mock.messages({ subject: res.message.subject })).toHaveLength(1);
  });

  it('keeps per-recipient results: one refused, two accepted (one after a retry), and does not resend to the accepted one; the message is partially sent', async () => {
    const account = await mockAccount(env.ctx, mock);
    mock.faults.set([
      { stage: 'rcpt', match: 'nobody@example.org', code: 550, message: 'Unknown user' },
      { stage: 'rcpt', match: 'later@example.org', code: 452, message: 'Mailbox full', count: 1 },
    ]);
    const res = await sendMessage({
      ctx: env.ctx,
      input: mail(account.id, { to: ['alice@example.org', 'nobody@example.org', 'later@example.org'] }),
    });
    const done = await runUntilStatus(env, res.message.id, ['sent', 'partially_sent', 'failed']);
    expect(done.status).toBe('partially_sent');
    expect(done.sentAt).not.toBeNull();
    expect(done.lastError).toMatchObject({ code: 'rejected', responseCode: 550 });
    expect(done.lastError?.message).toContain('1 of 3 recipients refused (nobody@example.org)');
    expect(Object.fromEntries(done.recipients.map((r) => [r.address, r.status]))).toEqual({
      'alice@example.org': 'accepted',
      'nobody@example.org': 'rejected',
      'later@example.org': 'accepted',
    });
    const [logged] = await env.database.db
      .select({ level: tables.logs.level, message: tables.logs.message })
      .from(tables.logs)
      .where(like(tables.logs.message, `Message ${res.message.id} partially%`));
    expect(logged).toEqual({
      level: 'warning',
      message: `Message ${res.message.id} partially sent: 1 of 3 recipients refused (nobody@example.org); the others accepted it`,
    });
    const partial = await listMessages({
      ctx: env.ctx,
      input: { accountId: account.id, status: 'partially_sent' },
    });
    expect(partial.items.map((m) => m.id)).toEqual([res.message.id]);
    expect(
      (await listMessages({ ctx: env.ctx, input: { accountId: account.id, status: 'sent' } })).total,
    ).toBe(0);
    const got = mock.messages({ subject: res.message.subject });
    expect(got.map((m) => m.envelope.rcptTo.sort())).toEqual([['later@example.org'], ['alice@example.org']]);

    // Retrying a partially sent message mails the refused recipient only; once it accepts, it is sent.
    mock.faults.clear();
    expect((await retryMessage({ ctx: env.ctx, id: res.message.id })).status).toBe('queued');
    const retried = await runUntilStatus(env, res.message.id, ['sent', 'partially_sent', 'failed']);
    expect(retried.status).toBe('sent');
    expect(retried.lastError).toBeNull();
    expect(mock.messages({ subject: res.message.subject })[0]?.envelope.rcptTo).toEqual([
      'nobody@example.org',
    ]);
  });

  it('replays an Idempotency-Key with the same body and refuses it with another body', async () => {
    const account = await mockAccount(env.ctx, mock);
    const input = mail(account.id);
    const first = await sendMessage({ ctx: env.ctx, input, idempotencyKey: 'order-42' });
    const again = await sendMessage({ ctx: env.ctx, input, idempotencyKey: 'order-42' });
    expect(again).toMatchObject({ outcome: 'replayed', message: { id: first.message.id } });
    const err = await failure(
      sendMessage({ ctx: env.ctx, input: { ...input, subject: 'other' }, idempotencyKey: 'order-42' }),
    );
    expect(err.code).toBe('idempotency_conflict');
    expect(err.status).toBe(409);
    // Another caller may use the same key for its own message.
    const other = await sendMessage({
      ctx: env.as({ label: 'other@test' }),
      input,
      idempotencyKey: 'order-42',
    });
    expect(other.message.id).not.toBe(first.message.id);
  });

  it("finds a key stored before keys had a scope under its sender's label for a day, and only then", async () => {
    const account = await mockAccount(env.ctx, mock);
    const input = mail(account.id);
    const ci = env.as({ label: 'token:ci', via: 'token', tokenId: 'tok-ci-1' });
    const recent = await sendMessage({ ctx: ci, input, idempotencyKey: 'legacy-1' });
    const old = await sendMessage({ ctx: ci, input, idempotencyKey: 'legacy-2' });
    // As migration 0028 leaves the keys stored before it: no scope.
    const m = tables.messages;
    await env.database.db
      .update(m)
      .set({ idempotencyScope: null })
      .where(sql`${m.id} in (${recent.message.id}, ${old.message.id})`);
    await env.database.db
      .update(m)
      .set({ createdAt: new Date(Date.now() - 25 * 3600_000) })
      .where(eq(m.id, old.message.id));
    expect(await sendMessage({ ctx: ci, input, idempotencyKey: 'legacy-1' })).toMatchObject({
      outcome: 'replayed',
      message: { id: recent.message.id },
    });
    const late = await sendMessage({ ctx: ci, input, idempotencyKey: 'legacy-2' });
    expect(late.outcome).not.toBe('replayed');
    expect(late.message.id).not.toBe(old.message.id);
  });

  it('routes by from filter and says why, and refuses a From the account may not use', async () => {
    const account = await mockAccount(env.ctx, mock, { fromFilter: ['billing.example.net'] });
    const res = await sendMessage({
      ctx: env.ctx,
      input: { ...mail(account.id), accountId: undefined, from: { address: 'invoices@billing.example.net' } },
    });
    expect(res.message.accountId).toBe(account.id);
    expect(res.message.route.reason).toBe('from_filter_domain');
    expect(res.message.route.explanation).toContain('billing.example.net');
    const err = await failure(
      sendMessage({ ctx: env.ctx, input: mail(account.id, { from: { address: 'ceo@elsewhere.example' } }) }),
    );
    expect(err.errors?.[0]?.path).toBe('from.address');
  });

  it('rejects CR/LF in headers and URL or path attachments before storing anything', async () => {
    const account = await mockAccount(env.ctx, mock);
    const before = (await listMessages({ ctx: env.ctx, input: { accountId: account.id } })).total;
    const bad = await failure(
      sendMessage({
        ctx: env.ctx,
        input: mail(account.id, { headers: { 'X-Evil': 'a\r\nBcc: victim@example.org' } }),
      }),
    );
    expect(bad.errors?.[0]?.path).toBe('headers.X-Evil');
    const url = await failure(
      sendMessage({
        ctx: env.ctx,
        input: mail(account.id, {
          attachments: [{ filename: 'x', contentBase64: 'https://evil.example/x' }],
        }),
      }),
    );
    expect(url.errors?.[0]?.path).toBe('attachments.0.contentBase64');
    expect((await listMessages({ ctx: env.ctx, input: { accountId: account.id } })).total).toBe(before);
  });

  it('cancels a queued message, refuses to cancel it twice, and retries it on request', async () => {
    const account = await mockAccount(env.ctx, mock);
    const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
    const cancelled = await cancelMessage({ ctx: env.ctx, id: res.message.id });
    expect(cancelled.status).toBe('cancelled');
    expect((await failure(cancelMessage({ ctx: env.ctx, id: res.message.id }))).code).toBe(
      'invalid_transition',
    );
    const retried = await retryMessage({ ctx: env.ctx, id: res.message.id });
    expect(retried.status).toBe('queued');
    const done = await runUntilStatus(env, res.message.id, ['sent']);
    expect(done.status).toBe('sent');
    expect((await failure(retryMessage({ ctx: env.ctx, id: res.message.id }))).code).toBe(
      'invalid_transition',
    );
  });

  it('lists messages by status and searches subject and recipients', async () => {
    const account = await mockAccount(env.ctx, mock);
    const a = await sendMessage({
      ctx: env.ctx,
      input: mail(account.id, { subject: 'Invoice 1001', to: ['zed@example.org'] }),
    });
    await sendMessage({ ctx: env.ctx, input: mail(account.id, { subject: 'Newsletter' }) });
    const bySubject = await listMessages({ ctx: env.ctx, input: { accountId: account.id, q: 'invoice' } });
    expect(bySubject.items.map((m) => m.id)).toEqual([a.message.id]);
    const byRecipient = await listMessages({ ctx: env.ctx, input: { q: 'zed@example' } });
    expect(byRecipient.items.map((m) => m.id)).toEqual([a.message.id]);
    const queued = await listMessages({
      ctx: env.ctx,
      input: { accountId: account.id, status: 'queued,deferred' },
    });
    expect(queued.total).toBe(2);
    const bad = await failure(listMessages({ ctx: env.ctx, input: { status: 'lost' } }));
    expect(bad.errors?.[0]?.path).toContain('status');
    await runUntil(
      env,
      async () =>
        (await listMessages({ ctx: env.ctx, input: { accountId: account.id, status: 'sent' } })).total === 2,
    );
  });

  it('sends bulk mail with per-recipient variables and refuses a template variable a recipient lacks', async () => {
    const account = await mockAccount(env.ctx, mock);
    const res = await sendBulk({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        subject: 'Your order {{order}}',
        text: 'Dear {{name}}, order {{order}} ships today. ({{email}})',
        html: '<p>Dear {{name}}</p>',
        recipients: [
          { to: 'ann@example.org', variables: { name: 'Ann <3', order: 'A-1' } },
          { to: 'ben@example.org', variables: { name: 'Ben', order: 'B-2' } },
        ],
      },
    });
    expect(res.count).toBe(2);
    await runUntil(
      env,
      async () =>
        (await listMessages({ ctx: env.ctx, input: { bulkId: res.bulkId, status: 'sent' } })).total === 2,
    );
    const ann = await mock.waitFor({ to: 'ann@example.org', subject: 'Your order A-1', timeoutMs: 5000 });
    expect(ann.text).toContain('Dear Ann <3, order A-1 ships today. (ann@example.org)');
    expect(ann.html).toContain('Dear Ann &lt;3');
    const err = await failure(
      sendBulk({
        ctx: env.ctx,
        input: {
          accountId: account.id,
          subject: 'Hi {{name}}',
          text: 'x',
          recipients: [{ to: 'c@example.org' }],
        },
      }),
    );
    expect(err.errors?.[0]?.path).toBe('recipients.0.variables.name');
  });

  it('pauses an account that keeps failing, skips it while paused, and resumes it by itself', async () => {
    const account = await mockAccount(env.ctx, mock);
    mock.faults.set([{ stage: 'connect', code: 421, message: 'Too busy', count: 3 }]);
    const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
    const events: WorkerEvent[] = [];
    let sawPause = false;
    await runUntil(
      env,
      async () => {
        const acc = await getAccount({ ctx: env.ctx, id: account.id });
        if (acc.health === 'failing') sawPause = true;
        return (await getMessage({ ctx: env.ctx, id: res.message.id })).status === 'sent';
      },
      { policy: { ...fastPolicy, maxAttempts: 20 }, events },
    );
    expect(sawPause).toBe(true);
    const acc = await getAccount({ ctx: env.ctx, id: account.id });
    expect(acc.health).toBe('ok');
    const done = await getMessage({ ctx: env.ctx, id: res.message.id });
    expect(done.attempts?.filter((a) => !a.ok).map((a) => a.errorCode)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
    const changes = await env.database.db.execute(
      sql`select data->>'to' as "to" from account_events where account_id = ${account.id} and type = 'health_changed' order by at`,
    );
    const rows = (Array.isArray(changes) ? changes : (changes as { rows: unknown[] }).rows) as Array<{
      to: string;
    }>;
    // Below the breaker's threshold sending is degraded; paused it is failing; the success makes it ok.
    expect(rows.map((r) => r.to)).toEqual(['degraded', 'failing', 'ok']);
  });

  it('keeps an account within its rate limit per minute', async () => {
    const account = await mockAccount(env.ctx, mock, { rateLimitPerMinute: 2 });
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push((await sendMessage({ ctx: env.ctx, input: mail(account.id) })).message.id);
    await runUntil(
      env,
      async () =>
        (await listMessages({ ctx: env.ctx, input: { accountId: account.id, status: 'sent' } })).total >= 2,
    );
    const all = await listMessages({ ctx: env.ctx, input: { accountId: account.id } });
    expect(all.items.filter((m) => m.status === 'sent')).toHaveLength(2);
    const waiting = all.items.filter((m) => m.status !== 'sent');
    expect(waiting).toHaveLength(2);
    for (const m of waiting) expect(new Date(m.nextAttemptAt!).getTime()).toBeGreaterThan(Date.now() + 1000);
  });

  it('reclaims a message whose lease expired (its worker died) and sends it once', async () => {
    const account = await mockAccount(env.ctx, mock);
    const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
    const { claimBatch } = await import('./claimBatch');
    // A lease of a minute, expired by a clock a minute and a second ahead: no claim races a short lease on
    // a loaded machine.
    const [leased] = await claimBatch({
      ctx: env.ctx,
      input: { workerId: 'dead', limit: 10, leaseMs: 60_000 },
    });
    expect(leased?.id).toBe(res.message.id);
    // While the lease holds, nobody else gets it.
    expect(
      await claimBatch({ ctx: env.ctx, input: { workerId: 'other', limit: 10, leaseMs: 60_000 } }),
    ).toHaveLength(0);
    const later = createContext({ ...env.base, now: () => new Date(Date.now() + 61_000) }, env.ctx.actor);
    const [again] = await claimBatch({
      ctx: later,
      input: { workerId: 'other', limit: 10, leaseMs: 60_000 },
    });
    expect(again?.id).toBe(res.message.id);
    expect(again?.leaseOwner).toBe('other');
  });

  describe('handing queued sends to the worker in this process', () => {
    /** A running worker with its events, stopped by the returned function. */
    const running = (opts: { concurrency?: number } = {}) => {
      const abort = new AbortController();
      const events: WorkerEvent[] = [];
      const waiting = new Set<() => void>();
      const workerId = `local-${Math.random().toString(36).slice(2, 8)}`;
      const done = runWorker({
        base: env.base,
        workerId,
        signal: abort.signal,
        pollMs: 20,
        policy: fastPolicy,
        concurrency: opts.concurrency ?? 10,
        onEvent: (e) => {
          events.push(e);
          for (const w of [...waiting]) w();
        },
      });
      /** Resolves once an event (seen already or to come) satisfies `pred`. */
      const until = (pred: (e: WorkerEvent) => boolean) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (!events.some(pred)) return;
            waiting.delete(check);
            resolve();
          };
          waiting.add(check);
          check();
        });
      return {
        workerId,
        events,
        /** Past its first (empty) claim. */
        ready: until((e) => e.type === 'idle'),
        /** The message's outcome is recorded as sent or failed. */
        async settled(id: string) {
          await until(
            (e) => e.type === 'recorded' && e.id === id && (e.status === 'sent' || e.status === 'failed'),
          );
          return getMessage({ ctx: env.ctx, id });
        },
        async stop() {
          abort.abort();
          await done;
        },
      };
    };
    /** A stand-in local worker that counts its slots; `accepts: false` plays one that has just stopped. */
    const slotCounter = ({ accepts }: { accepts: boolean }) => {
      const state = { slots: 0, unregister: () => {} };
      state.unregister = env.base.outbox.handoff.register({
        workerId: accepts ? 'counting' : 'stopping',
        leaseMs: 60_000,
        reserve: () => {
          state.slots += 1;
          return true;
        },
        release: () => {
          state.slots -= 1;
        },
        deliver: () => {
          state.slots -= 1;
          return accepts;
        },
      });
      return state;
    };
    /** The worker's own rows in the Main Log, oldest first. */
    const workerLog = (workerId: string) =>
      env.database.db
        .select()
        .from(tables.logs)
        .where(and(eq(tables.logs.source, 'queue'), like(tables.logs.message, `Outbox worker ${workerId} %`)))
        .orderBy(asc(tables.logs.id));

    it('stores the message leased to the worker, which delivers it once without claiming it', async () => {
      const account = await mockAccount(env.ctx, mock);
      const worker = running();
      try {
        await worker.ready;
        const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
        expect(res.outcome).toBe('handed_over');
        expect(res.message.status).toBe('sending');
        const done = await worker.settled(res.message.id);
        expect(done.status).toBe('sent');
        expect(done.attempts).toHaveLength(1);
        expect(mock.messages({ subject: res.message.subject })).toHaveLength(1);
        expect(worker.events.filter((e) => e.type === 'claimed')).toHaveLength(0);
      } finally {
        await worker.stop();
      }
    });

    it('queues the message for a claim when every slot is busy, and still sends each once', async () => {
      const account = await mockAccount(env.ctx, mock);
      // The first delivery holds the only slot far longer than two sends take.
      mock.faults.set([{ stage: 'data', action: 'delay', delayMs: 1500, count: 1 }]);
      const worker = running({ concurrency: 1 });
      try {
        await worker.ready;
        const first = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
        const second = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
        expect(first.outcome).toBe('handed_over');
        expect(second).toMatchObject({ outcome: 'queued', message: { status: 'queued' } });
        expect((await worker.settled(first.message.id)).status).toBe('sent');
        expect((await worker.settled(second.message.id)).status).toBe('sent');
        for (const m of [first, second])
          expect(mock.messages({ subject: m.message.subject })).toHaveLength(1);
      } finally {
        await worker.stop();
      }
    });

    it('leaves paused and rate-limited accounts to the claim, which enforces them', async () => {
      const limited = await mockAccount(env.ctx, mock, { rateLimitPerMinute: 5 });
      const paused = await mockAccount(env.ctx, mock);
      await env.database.db.execute(
        sql`update accounts set paused_until = ${new Date(Date.now() + 60_000).toISOString()}::timestamptz where id = ${paused.id}`,
      );
      const worker = running();
      try {
        await worker.ready;
        const a = await sendMessage({ ctx: env.ctx, input: mail(limited.id) });
        const b = await sendMessage({ ctx: env.ctx, input: mail(paused.id) });
        expect(a.outcome).toBe('queued');
        expect(b.outcome).toBe('queued');
        expect((await worker.settled(a.message.id)).status).toBe('sent');
        expect((await getMessage({ ctx: env.ctx, id: b.message.id })).status).toBe('queued');
      } finally {
        await worker.stop();
      }
    });

    it('gives the slot back when a send is refused before it is stored', async () => {
      const account = await mockAccount(env.ctx, mock, { fromFilter: ['example.com'] });
      const local = slotCounter({ accepts: true });
      try {
        const err = await failure(
          sendMessage({ ctx: env.ctx, input: mail(account.id, { from: { address: 'x@elsewhere.org' } }) }),
        );
        expect(err.errors?.[0]?.path).toBe('from.address');
        expect(local.slots).toBe(0);
      } finally {
        local.unregister();
      }
    });

    it('takes back its own expired lease on a message it no longer holds, never one it is delivering', async () => {
      const account = await mockAccount(env.ctx, mock);
      const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
      const { claimBatch } = await import('./claimBatch');
      const [leased] = await claimBatch({ ctx: env.ctx, input: { workerId: 'me', limit: 10, leaseMs: 100 } });
      expect(leased?.id).toBe(res.message.id);
      const later = createContext({ ...env.base, now: () => new Date(Date.now() + 1000) }, env.ctx.actor);
      const claim = (held: string[]) =>
        claimBatch({ ctx: later, input: { workerId: 'me', limit: 10, leaseMs: 60_000, held } });
      expect(await claim([res.message.id])).toHaveLength(0);
      expect((await claim([])).map((m) => m.id)).toEqual([res.message.id]);
    });

    it('returns a message to the queue when its worker stopped before taking it', async () => {
      const account = await mockAccount(env.ctx, mock);
      const local = slotCounter({ accepts: false });
      let id: string;
      try {
        const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
        expect(res.outcome).toBe('queued');
        id = res.message.id;
        const stored = await getMessage({ ctx: env.ctx, id });
        expect(stored).toMatchObject({ status: 'queued' });
        expect(local.slots).toBe(0);
      } finally {
        local.unregister();
      }
      expect((await runUntilStatus(env, id, ['sent'])).status).toBe('sent');
    });

    it('writes its start and its stop to the Main Log, finishing what it had in flight', async () => {
      const account = await mockAccount(env.ctx, mock);
      const worker = running({ concurrency: 7 });
      await worker.ready;
      // Handed over: in flight the moment the send returns, and still in flight at the stop.
      const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
      expect(res.outcome).toBe('handed_over');
      await worker.stop();
      expect((await getMessage({ ctx: env.ctx, id: res.message.id })).status).toBe('sent');
      const rows = await workerLog(worker.workerId);
      expect(rows.map((r) => [r.level, r.message])).toEqual([
        ['info', `Outbox worker ${worker.workerId} started: 7 messages at once, leases of 30000 ms`],
        ['info', `Outbox worker ${worker.workerId} stopped: 1 in flight finished, 0 returned to the queue`],
      ]);
      expect(rows[0]?.context).toMatchObject({ workerId: worker.workerId, concurrency: 7, leaseMs: 30_000 });
      expect(rows[1]?.context).toMatchObject({ finished: 1, returned: 0, reason: 'stopped' });
    });

    it('counts a message whose lease it lost while stopping as returned, not finished', async () => {
      const account = await mockAccount(env.ctx, mock);
      // Holds the delivery long enough for the lease to be taken from under it.
      mock.faults.set([{ stage: 'data', action: 'delay', delayMs: 2000, count: 1 }]);
      const worker = running();
      await worker.ready;
      const res = await sendMessage({ ctx: env.ctx, input: mail(account.id) });
      expect(res.outcome).toBe('handed_over');
      await env.database.db.execute(
        sql`update messages set lease_owner = 'someone-else' where id = ${res.message.id}`,
      );
      await worker.stop();
      expect(worker.events).toContainEqual(
        expect.objectContaining({ type: 'recorded', id: res.message.id, status: 'lease_lost' }),
      );
      const [, stopped] = await workerLog(worker.workerId);
      expect(stopped?.context).toMatchObject({ finished: 0, returned: 1, reason: 'stopped' });
    });
  });
});
