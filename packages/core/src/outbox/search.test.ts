import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOTAL_CAP } from '../db/keyset';
import { accounts } from '../db/schema';
import { backends, createTestEnv, type TestEnv } from '../testing';
import {
  listMessages,
  messageSearchSpan,
  messageSearchText,
  SEARCH_WINDOWS_DAYS,
  wholeAddress,
} from './listMessages';
import { rowsOf } from './rows';

type Page = { items: Array<{ id: string }>; nextCursor: string | null; prevCursor: string | null };

/** Follows nextCursor to the end, then prevCursor back to the start; returns the ids of each page. */
async function walk(list: (cursor?: string) => Promise<Page>) {
  const forward: string[][] = [];
  let page = await list();
  forward.push(page.items.map((i) => i.id));
  for (let n = 0; page.nextCursor && n < 100; n++) {
    page = await list(page.nextCursor);
    forward.push(page.items.map((i) => i.id));
  }
  const backward: string[][] = [page.items.map((i) => i.id)];
  for (let n = 0; page.prevCursor && n < 100; n++) {
    page = await list(page.prevCursor);
    backward.unshift(page.items.map((i) => i.id));
  }
  return { forward, backward };
}

describe('wholeAddress', () => {
  it('takes a whole address, lower-cased, and leaves words and parts of addresses to the text search', () => {
    expect(wholeAddress('Zed@Example.org')).toBe('zed@example.org');
    expect(wholeAddress('rosa.jones77@sunnymotors.co.uk')).toBe('rosa.jones77@sunnymotors.co.uk');
    for (const text of [
      'zed@example',
      'zed@',
      '@example.org',
      'invoice',
      'zed@example.org bob',
      'a@b@c.org',
    ]) {
      expect(wholeAddress(text)).toBeUndefined();
    }
  });
});

describe.each(backends)('outbox search on %s', (backend) => {
  let env: TestEnv;
  // Matches of "kettle" (more than the count's cap) every 4 hours back from now, between other messages.
  const KETTLES = TOTAL_CAP + 100;
  const TEAPOTS = TOTAL_CAP + 100;
  const STOOLS_NEW = 60;
  const STOOLS_OLD = 500;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    const db = env.database.db;
    await db.insert(accounts).values({ id: 'acc', name: 'Box', purpose: 'system' });
    await db.execute(sql`
      insert into messages (id, status, mode, route_reason, from_address, "to", cc, bcc, subject, created_at, account_id)
      values
        ('a1', 'sent', 'queued', 'named', 'shop@example.com', '["Zed@Example.org"]', '[]', '[]', 'Order 1', now() - interval '1 minute', 'acc'),
        ('a2', 'sent', 'queued', 'named', 'shop@example.com', '["amy@example.org"]', '["zed@example.org"]', '[]', 'Order 2', now() - interval '2 minutes', 'acc'),
        ('a3', 'failed', 'queued', 'named', 'shop@example.com', '["amy@example.org"]', '[]', '["ZED@EXAMPLE.ORG"]', 'Order 3', now() - interval '3 minutes', 'acc'),
        ('a4', 'sent', 'queued', 'named', 'Zed@example.org', '["amy@example.org"]', '[]', '[]', 'Order 4', now() - interval '4 minutes', 'acc'),
        ('a5', 'sent', 'queued', 'named', 'shop@example.com', '["mazed@example.org"]', '[]', '[]', 'Order 5', now() - interval '5 minutes', 'acc'),
        ('a6', 'sent', 'queued', 'named', 'shop@example.com', '["amy@example.org"]', '[]', '[]', 'About zed@example.org.uk', now() - interval '6 minutes', 'acc')`);
    await db.execute(sql`
      insert into messages (id, status, mode, route_reason, from_address, "to", subject, created_at, account_id)
      select 'k' || lpad(i::text, 5, '0'), case when i % 7 = 0 then 'failed' else 'sent' end, 'queued', 'named',
             'shop@example.com', jsonb_build_array('c' || i || '@example.org'),
             case when i % 2 = 0 then 'Receipt for kettle #' || i else 'Receipt for chair #' || i end,
             now() - interval '1 hour' - i * interval '2 hours', 'acc'
      from generate_series(1, ${2 * KETTLES}) as i`);
    // "teapot" every minute of the newest day (more than the cap within the first window), "stool" every
    // 2 hours of the newest 5 days and every 12 hours from the 10th day back (fewer than the cap in all).
    await db.execute(sql`
      insert into messages (id, status, mode, route_reason, from_address, "to", subject, created_at, account_id)
      select 'p' || lpad(i::text, 5, '0'), 'sent', 'queued', 'named', 'shop@example.com',
             jsonb_build_array('t' || i || '@example.net'), 'Your teapot #' || i,
             now() - i * interval '1 minute', 'acc'
      from generate_series(1, ${TEAPOTS}) as i`);
    await db.execute(sql`
      insert into messages (id, status, mode, route_reason, from_address, "to", subject, created_at, account_id)
      select 's' || lpad(i::text, 5, '0'), 'sent', 'queued', 'named', 'shop@example.com',
             jsonb_build_array('s' || i || '@example.net'), 'Your stool #' || i,
             case when i <= ${STOOLS_NEW} then now() - interval '30 minutes' - (i - 1) * interval '2 hours'
                  else now() - interval '10 days' - (i - ${STOOLS_NEW}) * interval '12 hours' end, 'acc'
      from generate_series(1, ${STOOLS_NEW + STOOLS_OLD}) as i`);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('finds the messages from or to a whole address, in any case, and only those', async () => {
    const page = await listMessages({ ctx: env.ctx, input: { q: ' zed@EXAMPLE.org ' } });
    expect(page.items.map((m) => m.id)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(page).toMatchObject({ total: 4, totalCapped: false, nextCursor: null });
    const failed = await listMessages({ ctx: env.ctx, input: { q: 'zed@example.org', status: 'failed' } });
    expect(failed.items.map((m) => m.id)).toEqual(['a3']);
    // Part of an address is text: found in recipients and subjects alike.
    const part = await listMessages({ ctx: env.ctx, input: { q: 'zed@example' } });
    expect(part.items.map((m) => m.id)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
  });

  it('pages a word in many messages newest first, by cursor both ways, as the unsearched list would', async () => {
    expect(SEARCH_WINDOWS_DAYS).toEqual([...SEARCH_WINDOWS_DAYS].sort((a, b) => a - b));
    // Every 4 hours: 6 a day, so the first windows hold less than a page and the search goes on.
    const expected = Array.from({ length: KETTLES }, (_, k) => `k${String(2 * (k + 1)).padStart(5, '0')}`);
    const first = await listMessages({ ctx: env.ctx, input: { q: 'KETTLE', pageSize: 50 } });
    expect(first.items.map((m) => m.id)).toEqual(expected.slice(0, 50));
    expect(first).toMatchObject({ total: TOTAL_CAP, totalCapped: true });

    const all = await walk((cursor) =>
      listMessages({ ctx: env.ctx, input: { q: 'kettle', pageSize: 200, cursor } }),
    );
    expect(all.forward.flat()).toEqual(expected);
    expect(all.backward).toEqual(all.forward);

    // With a status and a time range: the windows start at `until` and stop at `since`.
    const since = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const until = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const expectedFailed = Array.from({ length: 2 * KETTLES }, (_, k) => k + 1)
      .filter((i) => i % 2 === 0 && i % 7 === 0)
      .filter((i) => {
        const at = Date.now() - 3_600_000 - i * 7_200_000;
        return at >= Date.parse(since) + 60_000 && at <= Date.parse(until) - 60_000;
      })
      .map((i) => `k${String(i).padStart(5, '0')}`);
    const failed = await walk((cursor) =>
      listMessages({
        ctx: env.ctx,
        input: { q: 'kettle', status: 'failed', since, until, pageSize: 10, cursor },
      }),
    );
    // The rows within a minute of either end may fall on either side (the test's clock against the database's).
    const seen = failed.forward.flat();
    expect(seen).toEqual(expect.arrayContaining(expectedFailed));
    expect(seen.length - expectedFailed.length).toBeLessThanOrEqual(2);
    expect(seen).toEqual([...seen].sort()); // newest first: the smaller number is the newer message
    expect(failed.backward).toEqual(failed.forward);

    // Page numbers (old clients) still page the search.
    const third = await listMessages({ ctx: env.ctx, input: { q: 'kettle', page: 3, pageSize: 20 } });
    expect(third.items.map((m) => m.id)).toEqual(expected.slice(40, 60));
  });

  it('counts a word with more than 1,000 matches in its first window as capped, and pages it exactly', async () => {
    const expected = Array.from({ length: TEAPOTS }, (_, k) => `p${String(k + 1).padStart(5, '0')}`);
    const first = await listMessages({ ctx: env.ctx, input: { q: 'teapot', pageSize: 50 } });
    expect(first.items.map((m) => m.id)).toEqual(expected.slice(0, 50));
    expect(first).toMatchObject({ total: TOTAL_CAP, totalCapped: true });
    const all = await walk((cursor) =>
      listMessages({ ctx: env.ctx, input: { q: 'teapot', pageSize: 200, cursor } }),
    );
    expect(all.forward.flat()).toEqual(expected);
    expect(all.backward).toEqual(all.forward);
    // From `since` within the first window: the whole list is one window, and its matches are the count.
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    for (const [minutes, total, totalCapped] of [
      [600.5, 600, false],
      [1000.5, 1000, false],
      [1050.5, TOTAL_CAP, true],
    ] as const) {
      const page = await listMessages({ ctx: env.ctx, input: { q: 'teapot', since: minutesAgo(minutes) } });
      expect(page).toMatchObject({ total, totalCapped });
      expect(page.items.map((m) => m.id)).toEqual(expected.slice(0, 50));
    }
  });

  it('counts a word with fewer than 1,000 matches exactly, whichever window holds its page', async () => {
    const expected = Array.from(
      { length: STOOLS_NEW + STOOLS_OLD },
      (_, k) => `s${String(k + 1).padStart(5, '0')}`,
    );
    for (const pageSize of [50, 100]) {
      const first = await listMessages({ ctx: env.ctx, input: { q: 'Stool', pageSize } });
      expect(first.items.map((m) => m.id)).toEqual(expected.slice(0, pageSize));
      expect(first).toMatchObject({ total: expected.length, totalCapped: false });
    }
    const all = await walk((cursor) =>
      listMessages({ ctx: env.ctx, input: { q: 'stool', pageSize: 40, cursor } }),
    );
    expect(all.forward.flat()).toEqual(expected);
    expect(all.backward).toEqual(all.forward);
    const recent = await listMessages({
      ctx: env.ctx,
      input: { q: 'stool', since: new Date(Date.now() - 49 * 3_600_000).toISOString() },
    });
    expect(recent).toMatchObject({ total: 25, totalCapped: false });
    expect(recent.items.map((m) => m.id)).toEqual(expected.slice(0, 25));
    const byNumber = await listMessages({ ctx: env.ctx, input: { q: 'stool', page: 2, pageSize: 100 } });
    expect(byNumber.items.map((m) => m.id)).toEqual(expected.slice(100, 200));
    expect(byNumber).toMatchObject({ total: expected.length, totalCapped: false });
  });

  it('pages one status newest first by cursor both ways (the status index, sorted by status first)', async () => {
    const expected = [
      'a3',
      ...Array.from({ length: 2 * KETTLES }, (_, k) => k + 1)
        .filter((i) => i % 7 === 0)
        .map((i) => `k${String(i).padStart(5, '0')}`),
    ];
    const failed = await walk((cursor) =>
      listMessages({ ctx: env.ctx, input: { status: 'failed', pageSize: 100, cursor } }),
    );
    expect(failed.forward.flat()).toEqual(expected);
    expect(failed.backward).toEqual(failed.forward);
    const page = await listMessages({ ctx: env.ctx, input: { status: 'failed', page: 2, pageSize: 100 } });
    expect(page.items.map((m) => m.id)).toEqual(expected.slice(100, 200));
  });

  it('pages one team, or the system, newest first by cursor both ways (the team index, sorted by team first)', async () => {
    await env.database.db.execute(
      sql`update messages set team_id = 't1' where id like 'k%' and substr(id, 2)::int % 5 = 0`,
    );
    const ks = Array.from({ length: 2 * KETTLES }, (_, k) => k + 1);
    const team = await walk((cursor) =>
      listMessages({ ctx: env.ctx, input: { teamId: 't1', pageSize: 100, cursor } }),
    );
    expect(team.forward.flat()).toEqual(
      ks.filter((i) => i % 5 === 0).map((i) => `k${String(i).padStart(5, '0')}`),
    );
    expect(team.backward).toEqual(team.forward);
    const system = await walk((cursor) =>
      listMessages({ ctx: env.ctx, input: { teamId: 'system', pageSize: 500, cursor } }),
    );
    const all = await walk((cursor) => listMessages({ ctx: env.ctx, input: { pageSize: 500, cursor } }));
    const t1 = new Set(team.forward.flat());
    expect(system.forward.flat()).toEqual(all.forward.flat().filter((id) => !t1.has(id)));
    expect(system.backward.flat()).toEqual(system.forward.flat());
  });

  it('searches a word within one team: the page from its window, the count capped or exact', async () => {
    const db = env.database.db;
    await db.execute(sql`update messages set team_id = 't2' where id like 'p%'`);
    await db.execute(
      sql`update messages set team_id = 't3' where id like 's%' and substr(id, 2)::int % 2 = 0`,
    );
    const teapots = Array.from({ length: TEAPOTS }, (_, k) => `p${String(k + 1).padStart(5, '0')}`);
    const capped = await listMessages({ ctx: env.ctx, input: { q: 'teapot', teamId: 't2', pageSize: 50 } });
    expect(capped.items.map((m) => m.id)).toEqual(teapots.slice(0, 50));
    expect(capped).toMatchObject({ total: TOTAL_CAP, totalCapped: true });

    const evenStools = Array.from({ length: STOOLS_NEW + STOOLS_OLD }, (_, k) => k + 1)
      .filter((i) => i % 2 === 0)
      .map((i) => `s${String(i).padStart(5, '0')}`);
    const exact = await listMessages({ ctx: env.ctx, input: { q: 'stool', teamId: 't3', pageSize: 50 } });
    expect(exact.items.map((m) => m.id)).toEqual(evenStools.slice(0, 50));
    expect(exact).toMatchObject({ total: evenStools.length, totalCapped: false });
    const walked = await walk((cursor) =>
      listMessages({ ctx: env.ctx, input: { q: 'stool', teamId: 't3', pageSize: 100, cursor } }),
    );
    expect(walked.forward.flat()).toEqual(evenStools);
    expect(walked.backward).toEqual(walked.forward);

    const none = await listMessages({ ctx: env.ctx, input: { q: 'teapot', teamId: 't3' } });
    expect(none).toMatchObject({ items: [], total: 0, totalCapped: false });

    // The system's messages (of no team) with the word, and a team's second page by number (old clients).
    const oddStools = Array.from({ length: STOOLS_NEW + STOOLS_OLD }, (_, k) => k + 1)
      .filter((i) => i % 2 === 1)
      .map((i) => `s${String(i).padStart(5, '0')}`);
    const system = await listMessages({
      ctx: env.ctx,
      input: { q: 'stool', teamId: 'system', pageSize: 50 },
    });
    expect(system.items.map((m) => m.id)).toEqual(oddStools.slice(0, 50));
    expect(system).toMatchObject({ total: oddStools.length, totalCapped: false });
    const second = await listMessages({
      ctx: env.ctx,
      input: { q: 'stool', teamId: 't3', page: 2, pageSize: 50 },
    });
    expect(second.items.map((m) => m.id)).toEqual(evenStools.slice(50, 100));
    expect(second).toMatchObject({ total: evenStools.length, totalCapped: false });
  });

  it("reads a team's text search and a window's spans out of the trigram index (migration 0029)", async () => {
    const db = env.database.db;
    const def = await db.execute(sql`select pg_get_indexdef('messages_search_trgm_idx'::regclass) as def`);
    expect(rowsOf<{ def: string }>(def)[0]?.def).toMatch(/USING gin \(COALESCE\(team_id, ''::text\), \(/);
    // The expression the list writes for a team with a word is the index's: both go into its scan.
    const plan = await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return tx.execute(
        sql`explain select id from messages where coalesce(team_id, '') = 't3' and ${messageSearchText} ilike '%stool%'`,
      );
    });
    const text = rowsOf<{ 'QUERY PLAN': string }>(plan)
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(text).toMatch(/Index Cond: \(\(COALESCE\(team_id, ''::text\) = 't3'::text\) AND/);

    // A window's span is the index's expression as the list writes it: the span and the word in one scan.
    // (The list names its spans as `= any(array[…])`, which a scan of so few rows would not choose to
    // read out of the index: the bench's million does, docs/PERFORMANCE.md "Session 12".)
    const spans = await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return tx.execute(
        sql`explain select id from messages where ${messageSearchSpan} = 2597 and ${messageSearchText} ilike '%stool%'`,
      );
    });
    expect(
      rowsOf<{ 'QUERY PLAN': string }>(spans)
        .map((r) => r['QUERY PLAN'])
        .join('\n'),
    ).toMatch(
      /Bitmap Index Scan on messages_search_trgm_idx .*\n\s+Index Cond: \(\(\(floor\(\(EXTRACT\(epoch FROM [^)]*\)\) \/ '691200'::numeric\)\)\)::integer = 2597\) AND [\s\S]*~~\* '%stool%'/,
    );
  });

  it('finds a message stored with a clock ahead of this one first, past the spans of its first window', async () => {
    const db = env.database.db;
    const before = await listMessages({ ctx: env.ctx, input: { q: 'kettle', pageSize: 20 } });
    await db.execute(sql`
      insert into messages (id, status, mode, route_reason, from_address, "to", cc, bcc, subject, created_at, account_id)
      values ('ahead', 'sent', 'queued', 'named', 'shop@example.com', '["x@example.org"]', '[]', '[]',
        'Your kettle is on its way', now() + interval '30 days', 'acc')`);
    try {
      const page = await listMessages({ ctx: env.ctx, input: { q: 'kettle', pageSize: 20 } });
      expect(page.items.map((m) => m.id)).toEqual(['ahead', ...before.items.map((m) => m.id).slice(0, 19)]);
    } finally {
      await db.execute(sql`delete from messages where id = 'ahead'`);
    }
  });

  it('searches a rare word across all of history', async () => {
    const page = await listMessages({ ctx: env.ctx, input: { q: 'kettle #2200' } });
    expect(page.items.map((m) => m.id)).toEqual(['k02200']);
    const none = await listMessages({ ctx: env.ctx, input: { q: 'no such thing' } });
    expect(none).toMatchObject({ items: [], total: 0, nextCursor: null, prevCursor: null });
  });

  it("samples 500 values of the search text for the planner's estimate of a word (migrations 0023, 0029)", async () => {
    const res = await env.database.db.execute(sql`
      select a.attstattarget as target from pg_attribute a
      where a.attrelid = 'messages_search_trgm_idx'::regclass and a.attnum = 3`);
    expect(rowsOf<{ target: number }>(res).map((r) => Number(r.target))).toEqual([500]);
  });

  it('keeps the pending list of every trigram index short, which each text search reads (migration 0026)', async () => {
    const res = await env.database.db.execute(sql`
      select c.relname as name, array_to_string(c.reloptions, ',') as options from pg_class c
      where c.relname in ('messages_search_trgm_idx', 'logs_search_trgm_idx', 'inbox_search_trgm_idx')
      order by c.relname`);
    expect(rowsOf<{ name: string; options: string | null }>(res)).toEqual([
      { name: 'inbox_search_trgm_idx', options: 'gin_pending_list_limit=256' },
      { name: 'logs_search_trgm_idx', options: 'gin_pending_list_limit=256' },
      { name: 'messages_search_trgm_idx', options: 'gin_pending_list_limit=256' },
    ]);
  });
});
