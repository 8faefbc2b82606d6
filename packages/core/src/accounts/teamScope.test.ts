import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../context';
import { listInbox } from '../incoming/inbox';
import { queryLogs } from '../logs/queryLogs';
import { listMessages } from '../outbox/listMessages';
import { accountsCsv } from '../reports/accountsCsv';
import { deliveryReport } from '../reports/deliveryReport';
import { exportSuppressions } from '../suppressions/exportSuppressions';
import { listSuppressions } from '../suppressions/listSuppressions';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { listWebhooks } from '../webhooks/listWebhooks';
import { listAccounts } from './listAccounts';

/**
 * The header's team switcher sends every list the accounts list's `teamId`: a team's id or `system`.
 * Two teams (Sales t1, Support t2), a system account and one account per team, and in each list a row
 * of each; one message of Sales goes out through the system account (messages belong to a team by
 * their own `teamId`, the delivery report by the account sent through).
 */
describe.each(backends)('the lists narrowed to a team (teamId) on %s', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    const db = env.database.db;
    await db.execute(sql`insert into teams (id, name) values ('t1', 'Sales'), ('t2', 'Support')`);
    await db.execute(sql`
      insert into accounts (id, name, purpose, team_id)
      values ('sys', 'System', 'system', null), ('a1', 'Sales box', 'system', 't1'),
             ('a2', 'Support box', 'system', 't2')`);
    await db.execute(sql`
      insert into messages (id, account_id, team_id, status, mode, route_reason, from_address, "to", subject)
      values ('m-sys', 'sys', null, 'sent', 'queued', 'default', 'a@example.org', '["x@example.net"]', 'S'),
             ('m-t1', 'a1', 't1', 'sent', 'queued', 'default', 'a@example.org', '["x@example.net"]', 'S'),
             ('m-t1-sys', 'sys', 't1', 'sent', 'queued', 'default', 'a@example.org', '["x@example.net"]', 'S'),
             ('m-t2', 'a2', 't2', 'sent', 'queued', 'default', 'a@example.org', '["x@example.net"]', 'S')`);
    await db.execute(sql`
      insert into inbox_messages (id, account_id, protocol, from_address, "to", subject, size, raw)
      values ('i-sys', 'sys', 'imap', 'c@example.net', '["s@example.org"]', 'Q', 1, 'raw'),
             ('i-t1', 'a1', 'imap', 'c@example.net', '["s@example.org"]', 'Q', 1, 'raw'),
             ('i-t2', 'a2', 'imap', 'c@example.net', '["s@example.org"]', 'Q', 1, 'raw')`);
    await db.execute(sql`
      insert into logs (source, level, message, account_id)
      values ('system', 'info', 'l-none', null), ('smtp', 'info', 'l-sys', 'sys'),
             ('smtp', 'info', 'l-t1', 'a1'), ('smtp', 'info', 'l-t2', 'a2')`);
    await db.execute(sql`
      insert into suppressions (id, address, team_id, reason, source)
      values ('s-sys', 'sys@example.net', null, 'manual', 'manual'),
             ('s-t1', 't1@example.net', 't1', 'manual', 'manual')`);
    await db.execute(sql`
      insert into webhook_endpoints (id, team_id, url, secret)
      values ('w-sys', null, 'https://hooks.example.net/sys', 'x'),
             ('w-t1', 't1', 'https://hooks.example.net/t1', 'x')`);
  });
  afterAll(async () => {
    await env?.close();
  });

  const sorted = (ids: string[]) => [...ids].sort();
  const messagesOf = async (ctx: Ctx, teamId?: string) =>
    sorted((await listMessages({ ctx, input: { teamId } })).items.map((m) => m.id));
  const inboxOf = async (ctx: Ctx, teamId?: string) =>
    sorted((await listInbox({ ctx, input: { teamId } })).items.map((m) => m.id));
  const logsOf = async (ctx: Ctx, teamId?: string) =>
    sorted((await queryLogs({ ctx, input: { teamId } })).items.map((l) => l.message));
  const sentOf = async (ctx: Ctx, teamId?: string) =>
    (await deliveryReport({ ctx, input: { teamId } })).totals.total;
  const suppressedOf = async (ctx: Ctx, teamId?: string) =>
    sorted((await listSuppressions({ ctx, input: { teamId } })).items.map((s) => s.id));
  const hooksOf = async (ctx: Ctx, teamId?: string) =>
    sorted((await listWebhooks({ ctx, input: { teamId } })).items.map((w) => w.id));

  it('messages: a team its own (by their teamId), system those of no team, an unknown id none', async () => {
    expect(await messagesOf(env.ctx)).toEqual(['m-sys', 'm-t1', 'm-t1-sys', 'm-t2']);
    expect(await messagesOf(env.ctx, 't1')).toEqual(['m-t1', 'm-t1-sys']);
    expect(await messagesOf(env.ctx, 'system')).toEqual(['m-sys']);
    expect(await messagesOf(env.ctx, 'nope')).toEqual([]);
  });

  it('messages with a text search: the same rows, and the count of the same rows', async () => {
    for (const [teamId, ids] of [
      ['t1', ['m-t1', 'm-t1-sys']],
      ['system', ['m-sys']],
      ['nope', []],
    ] as const) {
      const page = await listMessages({ ctx: env.ctx, input: { teamId, q: 'example.net' } });
      expect(sorted(page.items.map((m) => m.id))).toEqual(ids);
      expect(page.total).toBe(ids.length);
    }
  });

  it('inbox: the mail of a team’s accounts, or of system accounts', async () => {
    expect(await inboxOf(env.ctx)).toEqual(['i-sys', 'i-t1', 'i-t2']);
    expect(await inboxOf(env.ctx, 't1')).toEqual(['i-t1']);
    expect(await inboxOf(env.ctx, 'system')).toEqual(['i-sys']);
    expect(await inboxOf(env.ctx, 'nope')).toEqual([]);
  });

  it('Main Log: a team its accounts’ rows; system the system accounts’ rows and the events of no account', async () => {
    expect(await logsOf(env.ctx)).toEqual(['l-none', 'l-sys', 'l-t1', 'l-t2']);
    expect(await logsOf(env.ctx, 't1')).toEqual(['l-t1']);
    expect(await logsOf(env.ctx, 'system')).toEqual(['l-none', 'l-sys']);
    expect(await logsOf(env.ctx, 'nope')).toEqual([]);
  });

  it('delivery report: the messages of the team, as the outbox lists them (a send through a system account included)', async () => {
    expect(await sentOf(env.ctx)).toBe(4);
    expect(await sentOf(env.ctx, 't1')).toBe((await messagesOf(env.ctx, 't1')).length);
    expect(await sentOf(env.ctx, 't1')).toBe(2);
    expect(await sentOf(env.ctx, 'system')).toBe(1);
    expect(await sentOf(env.ctx, 'nope')).toBe(0);
  });

  it('suppressions and their CSV, webhooks and accounts: a team its rows, system those of no team', async () => {
    expect(await suppressedOf(env.ctx, 't1')).toEqual(['s-t1']);
    expect(await suppressedOf(env.ctx, 'system')).toEqual(['s-sys']);
    const csv = await exportSuppressions({ ctx: env.ctx, input: { teamId: 't1' } });
    expect(csv).toContain('t1@example.net');
    expect(csv).not.toContain('sys@example.net');
    expect(await exportSuppressions({ ctx: env.ctx, input: { teamId: 'system' } })).not.toContain(
      't1@example.net',
    );
    expect(await hooksOf(env.ctx, 't1')).toEqual(['w-t1']);
    expect(await hooksOf(env.ctx, 'system')).toEqual(['w-sys']);
    const accounts = await listAccounts({ ctx: env.ctx, input: { teamId: 'system' } });
    expect(accounts.items.map((a) => a.id)).toEqual(['sys']);
    const inventory = await accountsCsv({ ctx: env.ctx, input: { teamId: 't1' } });
    expect(inventory).toContain('Sales box');
    expect(inventory).not.toContain('Support box');
  });

  it("the Main Log's rows about a message that is gone stay with whoever could read it", async () => {
    const db = env.database.db;
    // Sales' message through the system account, and one through Sales' own account, both pruned since.
    await db.execute(sql`
      insert into logs (source, level, message, account_id, context)
      values ('outgoing', 'error', 'l-gone-sys', 'sys', '{"messageId": "m-gone-sys"}'),
             ('outgoing', 'error', 'l-gone-t2', 'a2', '{"messageId": "m-gone-t2"}')`);
    const support = env.as({ role: 'team_admin', teamIds: ['t2'] });
    const sales = env.as({ role: 'team_admin', teamIds: ['t1'] });
    // Whose the message through the system account was cannot be known any more: admins only.
    expect(await logsOf(support)).not.toContain('l-gone-sys');
    expect(await logsOf(sales)).not.toContain('l-gone-sys');
    expect(await logsOf(env.ctx)).toContain('l-gone-sys');
    // Through a team's own account it was that team's.
    expect(await logsOf(support)).toContain('l-gone-t2');
    expect(await logsOf(sales)).not.toContain('l-gone-t2');
    await db.execute(sql`delete from logs where message in ('l-gone-sys', 'l-gone-t2')`);
  });

  it('never widens: a Support admin asking for Sales or for the system sees only what they may read', async () => {
    const support = env.as({ role: 'team_admin', teamIds: ['t2'] });
    // Each list, filtered, is part of what the actor reads without the filter.
    for (const list of [messagesOf, inboxOf, logsOf, suppressedOf, hooksOf]) {
      const all = await list(support);
      for (const teamId of ['t1', 't2', 'system', 'nope']) {
        for (const id of await list(support, teamId)) expect(all).toContain(id);
      }
    }
    // Not even Sales' message sent through a system account: it is Sales' (its teamId), not the system's.
    expect(await messagesOf(support, 't1')).toEqual([]);
    expect(await inboxOf(support, 't1')).toEqual([]);
    expect(await logsOf(support, 't1')).toEqual([]);
    expect(await sentOf(support, 't1')).toBe(0);
    expect(await suppressedOf(support, 't1')).toEqual([]);
    expect(await hooksOf(support, 't1')).toEqual([]);
    // System-level rows they read anyway stay; the events of no account and system endpoints do not.
    expect(await messagesOf(support, 'system')).toEqual(['m-sys']);
    expect(await logsOf(support, 'system')).toEqual(['l-sys']);
    expect(await hooksOf(support, 'system')).toEqual([]);
    expect(await messagesOf(support, 't2')).toEqual(['m-t2']);
  });
});
