import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInbox } from '../incoming';
import { queryLogs } from '../logs';
import { listMessages } from '../outbox';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { decodeCursor, encodeCursor, TOTAL_CAP } from './keyset';
import { accounts, inboxMessages, logs, messages } from './schema';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

describe('cursors', () => {
  it('read back what they encode, and refuse anything else naming the cursor field', () => {
    const c = { at: '2026-03-01T12:00:00.123456Z', id: 'msg_1', dir: 'older' as const };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    for (const bad of [
      '',
      'not-base64!',
      Buffer.from('{"a":1}').toString('base64url'),
      encodeCursor(c).slice(2),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(
        expect.objectContaining({
          code: 'validation_failed',
          errors: [expect.objectContaining({ path: 'cursor' })],
        }),
      );
    }
    const injected = Buffer.from(
      JSON.stringify(['o', "2026-01-01T00:00:00Z'); drop table messages;--", 'x']),
    ).toString('base64url');
    expect(() => decodeCursor(injected)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});

describe.each(backends)('keyset paging on %s', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    const db = env.database.db;
    await db.insert(accounts).values({ id: 'acc', name: 'Box', purpose: 'system' });
    // 23 messages; groups of three share a creation time to the microsecond, so the id breaks ties.
    await db.execute(sql`
      insert into messages (id, status, mode, route_reason, from_address, "to", subject, created_at, account_id)
      select 'm' || lpad(i::text, 3, '0'), case when i % 2 = 0 then 'sent' else 'failed' end, 'queued', 'named',
             'sender@example.com', jsonb_build_array('rcpt' || i || '@example.org'),
             case when i % 5 = 0 then 'Invoice ' || i else 'Hello ' || i end,
             ${new Date(T0).toISOString()}::timestamptz + ((i / 3) * interval '1.000001 second'), 'acc'
      from generate_series(1, 23) as i`);
    await db.execute(sql`
      insert into logs (at, source, level, message, actor)
      select ${new Date(T0).toISOString()}::timestamptz + ((i / 4) * interval '1 millisecond'), 'queue',
             case when i % 3 = 0 then 'error' else 'info' end, 'row ' || i, 'system'
      from generate_series(1, 30) as i`);
    await db.execute(sql`
      insert into inbox_messages (id, account_id, protocol, uid, mailbox, uid_validity, subject, size, raw, fetched_at, "to")
      select 'in' || lpad(i::text, 3, '0'), 'acc', 'imap', i, 'INBOX', 1, 'Inbound ' || i, 10, 'x',
             ${new Date(T0).toISOString()}::timestamptz + ((i / 2) * interval '1 second'), '["me@example.com"]'::jsonb
      from generate_series(1, 11) as i`);
  });
  afterAll(async () => {
    await env?.close();
  });

  type Page = { items: Array<{ id: string }>; nextCursor: string | null; prevCursor: string | null };
  /** Follows nextCursor to the end, then prevCursor back to the start; returns the ids of each page. */
  async function walk(list: (cursor?: string) => Promise<Page>) {
    const forward: string[][] = [];
    let page = await list();
    expect(page.prevCursor).toBeNull();
    forward.push(page.items.map((i) => i.id));
    while (page.nextCursor) {
      page = await list(page.nextCursor);
      forward.push(page.items.map((i) => i.id));
    }
    const backward: string[][] = [page.items.map((i) => i.id)];
    while (page.prevCursor) {
      page = await list(page.prevCursor);
      backward.unshift(page.items.map((i) => i.id));
    }
    return { forward, backward };
  }

  it('walks the outbox newest first, each message once, and back again, with filters and q', async () => {
    const all = await walk((cursor) => listMessages({ ctx: env.ctx, input: { pageSize: '5', cursor } }));
    const ids = all.forward.flat();
    expect(ids).toHaveLength(23);
    expect(new Set(ids).size).toBe(23);
    // Newest first; within one timestamp, the higher id first.
    expect(ids.slice(0, 4)).toEqual(['m023', 'm022', 'm021', 'm020']);
    expect(all.forward.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(all.backward).toEqual(all.forward);

    const failed = await walk((cursor) =>
      listMessages({ ctx: env.ctx, input: { status: 'failed', q: 'hello', pageSize: '4', cursor } }),
    );
    const expected = Array.from({ length: 23 }, (_, k) => k + 1)
      .filter((i) => i % 2 === 1 && i % 5 !== 0)
      .reverse()
      .map((i) => `m${String(i).padStart(3, '0')}`);
    expect(failed.forward.flat()).toEqual(expected);
    // q searches recipients too.
    const byRecipient = await listMessages({ ctx: env.ctx, input: { q: 'rcpt7@' } });
    expect(byRecipient.items.map((m) => m.id)).toEqual(['m007']);
    expect(byRecipient).toMatchObject({ total: 1, totalCapped: false, nextCursor: null, prevCursor: null });
  });

  it('keeps page numbers working for old clients, with a cursor onwards', async () => {
    const second = await listMessages({ ctx: env.ctx, input: { page: '2', pageSize: '5' } });
    expect(second.items.map((m) => m.id)).toEqual(['m018', 'm017', 'm016', 'm015', 'm014']);
    expect(second).toMatchObject({ total: 23, page: 2, pageSize: 5 });
    const third = await listMessages({ ctx: env.ctx, input: { pageSize: '5', cursor: second.nextCursor! } });
    expect(third.items.map((m) => m.id)).toEqual(['m013', 'm012', 'm011', 'm010', 'm009']);
    const first = await listMessages({ ctx: env.ctx, input: { pageSize: '5', cursor: second.prevCursor! } });
    expect(first.items.map((m) => m.id)).toEqual(['m023', 'm022', 'm021', 'm020', 'm019']);
    expect(first.prevCursor).toBeNull();
  });

  it('walks the Main Log and the inbox the same way', async () => {
    const logWalk = await walk((cursor) =>
      queryLogs({
        ctx: env.ctx,
        input: { source: 'queue', since: '2000-01-01T00:00:00Z', pageSize: 7, cursor },
      }),
    );
    const messagesSeen = logWalk.forward.flat();
    expect(messagesSeen).toHaveLength(30);
    expect(new Set(messagesSeen).size).toBe(30);
    expect(logWalk.backward).toEqual(logWalk.forward);
    const errors = await queryLogs({
      ctx: env.ctx,
      input: { level: 'error', q: 'row 2', since: '2000-01-01T00:00:00Z' },
    });
    expect(errors.items.map((r) => r.message)).toEqual(['row 27', 'row 24', 'row 21']);

    const inboxWalk = await walk((cursor) => listInbox({ ctx: env.ctx, input: { pageSize: 3, cursor } }));
    expect(inboxWalk.forward.flat()).toEqual(
      Array.from({ length: 11 }, (_, k) => `in${String(11 - k).padStart(3, '0')}`),
    );
    expect(inboxWalk.backward).toEqual(inboxWalk.forward);
    const found = await listInbox({ ctx: env.ctx, input: { q: 'inbound 1' } });
    expect(found.items.map((m) => m.id)).toEqual(['in011', 'in010', 'in001']);
  });

  it('counts up to 1,000 and says when there are more', async () => {
    await env.database.db.execute(sql`
      insert into logs (source, level, message) select 'audit', 'info', 'bulk ' || i from generate_series(1, ${TOTAL_CAP + 5}) as i`);
    const page = await queryLogs({ ctx: env.ctx, input: { source: 'audit' } });
    expect(page).toMatchObject({ total: TOTAL_CAP, totalCapped: true });
    expect(page.nextCursor).not.toBeNull();
    const exact = await queryLogs({
      ctx: env.ctx,
      input: { source: 'queue', since: '2000-01-01T00:00:00Z' },
    });
    expect(exact).toMatchObject({ total: 30, totalCapped: false });
    await env.database.db.delete(logs).where(sql`${logs.source} = 'audit'`);
    expect(await env.database.db.$count(messages)).toBe(23);
    expect(await env.database.db.$count(inboxMessages)).toBe(11);
  });
});
