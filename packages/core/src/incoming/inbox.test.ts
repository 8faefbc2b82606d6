import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../outbox/rows';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { inboxFirstPageQuery, listInbox } from './inbox';

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
};

/** Every node of a plan, depth first. */
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

describe.each(backends)('the inbox search across accounts on %s', (backend) => {
  let env: TestEnv;
  const ACCOUNTS = ['sys-a', 'team-1', 'team-2', 'sys-b'];
  // A "needle" every 7th message, in each account; 1,200 fetched mails, newest first by number.
  const MAILS = 1200;
  const mailId = (i: number) => `in${String(i).padStart(5, '0')}`;
  const needles = Array.from({ length: MAILS }, (_, i) => i).filter((i) => i % 7 === 3);

  beforeAll(async () => {
    env = await createTestEnv(backend);
    const db = env.database.db;
    await db.execute(sql`insert into teams (id, name) values ('t1', 'One'), ('t2', 'Two')`);
    // The statistics of `accounts` say one row (analyzed with one, three added since, as a real
    // installation's small table can stay): the planner estimates it at one row.
    await db.execute(sql`insert into accounts (id, name, purpose) values ('sys-a', 'Sys A', 'system')`);
    await db.execute(sql`analyze accounts`);
    await db.execute(sql`
      insert into accounts (id, name, purpose, team_id)
      values ('team-1', 'Team One', 'system', 't1'), ('team-2', 'Team Two', 'system', 't2'),
             ('sys-b', 'Sys B', 'system', null)`);
    await db.execute(sql`
      insert into inbox_messages (id, account_id, protocol, from_address, "to", subject, size, raw, fetched_at)
      select 'in' || lpad(i::text, 5, '0'), (array['sys-a', 'team-1', 'team-2', 'sys-b'])[1 + i % 4], 'imap',
             'customer' || i || '@example.net', jsonb_build_array('support@example.org'),
             case when i % 7 = 3 then 'Question about the needle ' || i else 'Order ' || i end,
             100, 'raw', now() - i * interval '1 minute'
      from generate_series(0, ${MAILS - 1}) as i`);
    await db.execute(sql`analyze inbox_messages`);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('finds a word in every account, newest first, with each account name, paged by cursor', async () => {
    const seen: Array<{ id: string; accountId: string; accountName: string | null }> = [];
    let cursor: string | undefined;
    for (let n = 0; n < 20; n++) {
      const page = await listInbox({ ctx: env.ctx, input: { q: 'NEEDLE', pageSize: 50, cursor } });
      expect(page).toMatchObject({ total: needles.length, totalCapped: false });
      seen.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen.map((m) => m.id)).toEqual(needles.map(mailId));
    const names: Record<string, string> = {
      'sys-a': 'Sys A',
      'team-1': 'Team One',
      'team-2': 'Team Two',
      'sys-b': 'Sys B',
    };
    for (const m of seen) expect(m.accountName).toBe(names[m.accountId]);
    expect(new Set(seen.map((m) => m.accountId))).toEqual(new Set(ACCOUNTS));

    const one = await listInbox({ ctx: env.ctx, input: { q: 'needle', accountId: 'team-2', pageSize: 200 } });
    expect(one.items.map((m) => m.id)).toEqual(needles.filter((i) => i % 4 === 2).map(mailId));
  });

  it("shows a team admin the search's matches in system accounts and the team's own only", async () => {
    const lead = env.as({ role: 'team_admin', teamIds: ['t1'] });
    const page = await listInbox({ ctx: lead, input: { q: 'needle', pageSize: 200 } });
    const expected = needles.filter((i) => i % 4 !== 2).map(mailId);
    expect(page.items.map((m) => m.id)).toEqual(expected.slice(0, 200));
    expect(page.total).toBe(expected.length);
    const nobody = env.as({ role: 'team_admin', teamIds: [] });
    const sys = await listInbox({ ctx: nobody, input: { q: 'needle', pageSize: 200 } });
    expect(new Set(sys.items.map((m) => m.accountId))).toEqual(new Set(['sys-a', 'sys-b']));
  });

  it('scans the fetched mail once, whatever the statistics of accounts say', async () => {
    const ctxs = [env.ctx, env.as({ role: 'team_admin', teamIds: ['t1'] })];
    // One sender (the trigram index) and a word in many (the time index), as each admin.
    for (const [ctx, q] of ctxs.flatMap((c) => ['customer77@', 'needle'].map((w) => [c, w] as const))) {
      const res = await env.database.db.execute(
        sql`explain (analyze, format json) ${inboxFirstPageQuery(ctx, { q })}`,
      );
      const [row] = rowsOf<Record<string, unknown>>(res);
      const raw = Object.values(row ?? {})[0];
      const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
      const all = nodes(plan[0]!.Plan);
      const scans = all.filter(
        (n) => n['Relation Name'] === 'inbox_messages' || n['Index Name']?.startsWith('inbox_'),
      );
      expect(scans.length).toBeGreaterThan(0);
      for (const scan of scans)
        expect({ node: scan['Node Type'], loops: scan['Actual Loops'] }).toEqual({
          node: scan['Node Type'],
          loops: 1,
        });
    }
  });
});
