import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CtxBase, createContext, defaultCoreConfig, systemActor } from '../context';
import {
  accounts,
  inboxMessages,
  logs,
  messageAttempts,
  messages,
  oauthAuthorizations,
  webhookDeliveries,
  webhookEndpoints,
  webhookEvents,
} from '../db/schema';
import { queryLogs } from '../logs';
import { rowsOf } from '../outbox/rows';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { pruneRetention, startRetention } from '.';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
type Status = (typeof messages.status.enumValues)[number];

describe.each(backends)('retention on %s', (backend) => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await createTestEnv(backend);
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

  const addMessage = async (id: string, status: Status, days: number) => {
    await env.database.db.insert(messages).values({
      id,
      status,
      mode: 'queued',
      routeReason: 'named',
      fromAddress: 'a@example.com',
      to: ['b@example.org'],
      subject: id,
      text: 'body',
      createdAt: ago(days),
      nextAttemptAt: ago(days),
    });
    await env.database.db
      .insert(messageAttempts)
      .values({ id: `att-${id}`, messageId: id, at: ago(days), durationMs: 5, ok: status === 'sent' });
  };
  const addLog = (days: number) =>
    env.database.db.insert(logs).values({
      at: ago(days),
      source: 'queue',
      level: 'info',
      message: `row from ${days} days ago`,
    });
  const addAccount = async (id: string, afterFetch: 'keep' | 'delete') => {
    await env.database.db.insert(accounts).values({
      id,
      name: id,
      purpose: 'system',
      incoming: { protocol: 'pop3', afterFetch } as never,
    });
  };
  const addInbox = (id: string, accountId: string, days: number, uidl: string | null) =>
    env.database.db.insert(inboxMessages).values({
      id,
      accountId,
      protocol: uidl ? 'pop3' : 'imap',
      uidl,
      uid: uidl ? null : Number(id.replace(/\D/g, '') || 1),
      mailbox: uidl ? null : 'INBOX',
      uidValidity: uidl ? null : 1,
      subject: id,
      size: 10,
      raw: 'Subject: x\r\n\r\nbody',
      fetchedAt: ago(days),
    });
  const ids = async () =>
    (await env.database.db.select({ id: messages.id }).from(messages)).map((r) => r.id).sort();

  it('prunes each kind by its own retention, in batches, and leaves the queue alone', async () => {
    for (const [id, status, days] of [
      ['sent-old', 'sent', 40],
      ['partial-old', 'partially_sent', 40],
      ['sent-new', 'sent', 10],
      ['failed-60', 'failed', 60],
      ['failed-old', 'failed', 100],
      ['cancelled-old', 'cancelled', 40],
      // Old but still in the queue: never pruned, whatever their age.
      ['queued-old', 'queued', 400],
      ['deferred-old', 'deferred', 400],
      ['sending-old', 'sending', 400],
    ] as const) {
      await addMessage(id, status, days);
    }
    for (const days of [90, 45, 31, 2]) await addLog(days);
    await addAccount('acc-keep', 'keep');
    await addAccount('acc-delete', 'delete');
    await addInbox('imap1', 'acc-keep', 100, null);
    await addInbox('imap2', 'acc-keep', 10, null);
    // POP3 rows are what stops the same mail being fetched again while the server keeps it.
    await addInbox('pop-kept', 'acc-keep', 100, 'uidl-1');
    await addInbox('pop-deleted', 'acc-delete', 100, 'uidl-2');

    const ctx = createContext(env.base, systemActor);
    const run = await pruneRetention(ctx, { batchSize: 1 });
    expect(run.interrupted).toBe(false);
    expect(run.removed).toEqual({
      sentMessages: 2,
      failedMessages: 1,
      cancelledMessages: 1,
      inbox: 2,
      logs: 3,
      webhookDeliveries: 0,
      oauthSignIns: 0,
    });
    expect(await ids()).toEqual(['deferred-old', 'failed-60', 'queued-old', 'sending-old', 'sent-new']);
    // Attempts went with their messages.
    const attempts = await env.database.db.select({ m: messageAttempts.messageId }).from(messageAttempts);
    expect(attempts.map((a) => a.m).sort()).toEqual(await ids());
    const inbox = await env.database.db.select({ id: inboxMessages.id }).from(inboxMessages);
    expect(inbox.map((r) => r.id).sort()).toEqual(['imap2', 'pop-kept']);
    const left = await env.database.db.select({ message: logs.message }).from(logs);
    expect(left.map((r) => r.message)).toEqual(['row from 2 days ago']);
  });

  it('prunes finished webhook deliveries, never the ones still to be made, and then their events', async () => {
    const db = env.database.db;
    await db.insert(webhookEndpoints).values({ id: 'ep', url: 'https://hooks.example.com/x', secret: 'c' });
    await db.insert(webhookEvents).values([
      { id: 'ev-old', type: 'message.sent', data: {}, createdAt: ago(40) },
      { id: 'ev-pending', type: 'message.sent', data: {}, createdAt: ago(40) },
      { id: 'ev-new', type: 'message.sent', data: {}, createdAt: ago(1) },
    ]);
    await db.insert(webhookDeliveries).values([
      {
        id: 'd-old',
        eventId: 'ev-old',
        endpointId: 'ep',
        status: 'delivered',
        nextAttemptAt: ago(40),
        finishedAt: ago(40),
      },
      { id: 'd-pending', eventId: 'ev-pending', endpointId: 'ep', status: 'pending', nextAttemptAt: ago(40) },
      {
        id: 'd-new',
        eventId: 'ev-new',
        endpointId: 'ep',
        status: 'failed',
        nextAttemptAt: ago(1),
        finishedAt: ago(1),
      },
    ]);
    const run = await pruneRetention(createContext(env.base, systemActor));
    expect(run.removed.webhookDeliveries).toBe(1);
    const left = await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries);
    expect(left.map((r) => r.id).sort()).toEqual(['d-new', 'd-pending']);
    const events = await db.select({ id: webhookEvents.id }).from(webhookEvents);
    expect(events.map((r) => r.id).sort()).toEqual(['ev-new', 'ev-pending']);
  });

  it('sweeps OAuth2 sign-ins an hour after they could last be used: unused and expired, or used', async () => {
    const HOUR = 3_600_000;
    const at = (ms: number) => new Date(Date.now() + ms);
    const signIn = (id: string, over: Partial<typeof oauthAuthorizations.$inferInsert>) => ({
      id,
      flow: 'code' as const,
      clientId: 'client',
      endpoints: { tokenEndpoint: 'https://id.example.com/token', scopes: [] },
      expiresAt: at(10 * 60_000),
      createdAt: at(0),
      ...over,
    });
    await env.database.db.insert(oauthAuthorizations).values([
      // Still usable, or used a moment ago (the form reads the outcome right after the Save): kept.
      signIn('pending-live', {}),
      signIn('connected-fresh', { status: 'connected', completedAt: at(-30 * 60_000), createdAt: at(-HOUR) }),
      signIn('used-fresh', { status: 'connected', completedAt: at(-HOUR), usedAt: at(-10 * 60_000) }),
      // Of no use any more: the one still holding a refresh token nobody took included.
      signIn('pending-expired', { expiresAt: at(-2 * HOUR), createdAt: at(-3 * HOUR) }),
      signIn('connected-unused', {
        status: 'connected',
        completedAt: at(-2 * HOUR),
        createdAt: at(-2 * HOUR),
        secrets: { refreshToken: 'sealed' },
      }),
      signIn('denied', { status: 'denied', completedAt: at(-3 * HOUR), createdAt: at(-3 * HOUR) }),
      signIn('used-old', { status: 'connected', completedAt: at(-49 * HOUR), usedAt: at(-48 * HOUR) }),
    ]);
    const run = await pruneRetention(createContext(env.base, systemActor), { batchSize: 2 });
    expect(run.removed.oauthSignIns).toBe(4);
    const left = await env.database.db.select({ id: oauthAuthorizations.id }).from(oauthAuthorizations);
    expect(left.map((r) => r.id).sort()).toEqual(['connected-fresh', 'pending-live', 'used-fresh']);
  });

  it('keeps a kind whose retention is 0 forever, and stops between batches when asked', async () => {
    await addMessage('sent-ancient', 'sent', 4000);
    await addLog(4000);
    const base: CtxBase = {
      ...env.base,
      config: { ...defaultCoreConfig, retention: { ...defaultCoreConfig.retention, sentMessages: 0 } },
    };
    const stopped = new AbortController();
    stopped.abort();
    const none = await pruneRetention(createContext(base, systemActor), { signal: stopped.signal });
    expect(none).toMatchObject({ interrupted: true, removed: {} });
    const run = await pruneRetention(createContext(base, systemActor));
    expect(run.removed.sentMessages).toBeUndefined();
    expect(run.removed.logs).toBe(1);
    expect(await ids()).toEqual(['sent-ancient']);
  });

  it('records its start, what each run removed per kind, and its stop in the Main Log', async () => {
    await addMessage('sent-old', 'sent', 40);
    for (const days of [90, 45, 31, 2]) await addLog(days);
    const job = startRetention({ base: env.base, intervalMs: 60_000, batchSize: 2 });
    await job.idle();
    await Promise.all([job.stop(), job.stop()]);

    const rows = await retentionRows();
    expect(rows.map((r) => r.message)).toEqual([
      'Retention started: keeps sent messages 30 days, failed messages 90 days, cancelled messages 30 days, inbox messages 90 days, log rows 30 days, webhook deliveries 30 days, OAuth2 sign-ins an hour past their last use',
      'Retention removed 1 sent messages, 0 failed messages, 0 cancelled messages, 0 inbox messages, 3 log rows, 0 webhook deliveries, 0 OAuth2 sign-ins',
      'Retention stopped',
    ]);
    expect(rows.map((r) => [r.level, r.actor])).toEqual([
      ['info', 'system'],
      ['info', 'system'],
      ['info', 'system'],
    ]);
    expect(rows[0]?.context).toMatchObject({ intervalMs: 60_000, batchSize: 2 });
    expect(rows[1]?.context).toMatchObject({
      removed: { sentMessages: 1, logs: 3 },
      total: 4,
      interrupted: false,
    });
  });

  it('vacuums and analyzes every table of the embedded database after a run (PGlite has no autovacuum)', async () => {
    const job = startRetention({ base: env.base, intervalMs: 60_000 });
    await job.idle();
    await job.stop();
    const line = (await retentionRows()).find((r) => r.message.startsWith('Retention removed'));
    const res = await env.base.db.execute(
      sql`select count(*)::int as n, count(last_vacuum)::int as vacuumed, count(last_analyze)::int as analyzed
          from pg_stat_user_tables where schemaname = 'public'`,
    );
    const [stats] = rowsOf<{ n: number; vacuumed: number; analyzed: number }>(res);
    if (backend === 'pglite') {
      expect(line?.context).toMatchObject({ vacuumed: { tables: stats?.n } });
      expect(stats?.vacuumed).toBe(stats?.n);
      expect(stats?.analyzed).toBe(stats?.n);
    } else {
      // Postgres: its autovacuum's work, not Mailroom's.
      expect(line?.context).not.toHaveProperty('vacuumed');
      expect(stats?.vacuumed).toBe(0);
    }
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
    const job = startRetention({ base, intervalMs: 60_000 });
    await job.idle();
    await job.stop();
    const errors = (await retentionRows()).filter((r) => r.level === 'error');
    expect(errors.map((r) => r.message)).toEqual([
      'Retention failed: Failed query: delete from "logs"',
      'Pruning ended sign-in counters failed: Failed query: delete from "logs"',
    ]);
    expect(JSON.stringify(errors)).not.toContain('hash-of-something');
  });
});
