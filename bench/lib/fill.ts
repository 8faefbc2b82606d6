// Fills a Mailroom database with history fast, in SQL (generate_series, never the API): messages in final
// states with one attempt each, queued messages for the bench account, Main Log rows and fetched mail.
// The same SQL runs on Postgres and on PGlite.
import type { Db } from '@mailroom/core';
import { sql } from 'drizzle-orm';

export type FillSizes = { history: number; queued: number; logs: number; inbox: number };

/** ~560 bytes of text per message body: inline in the row (under the 2 KB TOAST threshold), the worst case for a claim. */
const BODY = 'Lorem ipsum dolor sit amet, consectetur adipiscing. ';

/** Rows per INSERT statement, so PGlite (one process, one WAL) never holds a giant transaction. */
const CHUNK = 100_000;

async function chunked(total: number, run: (from: number, to: number) => Promise<unknown>) {
  for (let from = 1; from <= total; from += CHUNK) await run(from, Math.min(total, from + CHUNK - 1));
}

/**
 * History spread over the last year (messages) or month (logs), newest last: 96% sent, 2% failed, 2%
 * cancelled, over ten accounts (the bench account among them); 200,000 distinct customers, so a search for
 * one customer finds about five messages in a million.
 */
export async function fill(db: Db, accountId: string, n: FillSizes): Promise<Record<string, number>> {
  const took: Record<string, number> = {};
  const time = async (what: string, run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    took[what] = Math.round(performance.now() - t0);
  };
  const account = (i: string) =>
    sql.raw(`case when ${i} % 10 = 0 then '${accountId}' else 'acc' || (${i} % 10) end`);
  await time('messages', () =>
    chunked(n.history, (from, to) =>
      db.execute(sql`
        insert into messages (id, account_id, status, mode, route_reason, from_address, "to", recipients, subject,
                              text, attempt_count, created_at, updated_at, sent_at, next_attempt_at)
        select 'h' || lpad(i::text, 9, '0'), ${account('i')},
               case when i % 50 = 0 then 'failed' when i % 50 = 25 then 'cancelled' else 'sent' end,
               'queued', 'account_id', 'sales@example.com',
               jsonb_build_array('customer' || (i % 200000) || '@example.org'),
               jsonb_build_array(jsonb_build_object('address', 'customer' || (i % 200000) || '@example.org',
                 'status', case when i % 50 = 0 then 'rejected' else 'accepted' end,
                 'reply', case when i % 50 = 0 then '550 5.1.1 No such user' else '250 2.0.0 Ok: queued' end)),
               'Invoice ' || i || ' for order ' || ((i * 7) % 1000003), repeat(${BODY}, 11), 1,
               now() - (${n.history}::int - i) * (interval '365 days' / ${n.history}::int),
               now() - (${n.history}::int - i) * (interval '365 days' / ${n.history}::int),
               now() - (${n.history}::int - i) * (interval '365 days' / ${n.history}::int),
               now() - (${n.history}::int - i) * (interval '365 days' / ${n.history}::int)
        from generate_series(${from}::int, ${to}::int) as i`),
    ),
  );
  await time('attempts', () =>
    chunked(n.history, (from, to) =>
      db.execute(sql`
        insert into message_attempts (id, message_id, account_id, at, duration_ms, ok, reply)
        select 'a' || lpad(i::text, 9, '0'), 'h' || lpad(i::text, 9, '0'), ${account('i')},
               now() - (${n.history}::int - i) * (interval '365 days' / ${n.history}::int), 40, i % 50 <> 0,
               case when i % 50 = 0 then '550 5.1.1 No such user' else '250 2.0.0 Ok: queued' end
        from generate_series(${from}::int, ${to}::int) as i`),
    ),
  );
  await time('queued', () =>
    chunked(n.queued, (from, to) =>
      db.execute(sql`
        insert into messages (id, account_id, status, mode, route_reason, from_address, "to", recipients, subject,
                              text, created_at, updated_at, next_attempt_at)
        select 'q' || lpad(i::text, 9, '0'), ${accountId}, 'queued', 'queued', 'account_id', 'bench@example.com',
               jsonb_build_array('rcpt' || i || '@example.org'),
               jsonb_build_array(jsonb_build_object('address', 'rcpt' || i || '@example.org', 'status', 'pending', 'reply', null)),
               'Queued ' || i, repeat(${BODY}, 11),
               now() - interval '1 hour' + i * interval '1 millisecond',
               now() - interval '1 hour' + i * interval '1 millisecond',
               now() - interval '1 hour' + i * interval '1 millisecond'
        from generate_series(${from}::int, ${to}::int) as i`),
    ),
  );
  await time('logs', () =>
    chunked(n.logs, (from, to) =>
      db.execute(sql`
        insert into logs (at, source, level, message, account_id, actor, context)
        select now() - (${n.logs}::int - i) * (interval '29 days' / ${n.logs}::int),
               (array['outgoing','incoming','queue','smtp_auth','connection_test','verification','audit','imap_auth'])[1 + i % 8],
               case when i % 20 = 0 then 'error' when i % 7 = 0 then 'warning' when i % 3 = 0 then 'debug' else 'info' end,
               'Message ' || i || ' for customer' || (i % 200000) || '@example.org: 250 2.0.0 Ok',
               ${account('i')}, 'system', jsonb_build_object('n', i)
        from generate_series(${from}::int, ${to}::int) as i`),
    ),
  );
  await time('inbox', () =>
    chunked(n.inbox, (from, to) =>
      db.execute(sql`
        insert into inbox_messages (id, account_id, protocol, mailbox, uid_validity, uid, message_id_header,
                                    from_address, from_name, "to", subject, text, size, raw, fetched_at)
        select 'i' || lpad(i::text, 9, '0'), ${accountId}, 'imap', 'INBOX', 1, i, '<' || i || '@client.example.net>',
               'client' || (i % 50000) || '@example.net', 'Client ' || (i % 50000), '["support@example.com"]'::jsonb,
               'Re: question ' || i, repeat(${BODY}, 11), 700, 'Subject: Re: question ' || i || E'\r\n\r\n' || repeat(${BODY}, 11),
               now() - (${n.inbox}::int - i) * (interval '89 days' / ${n.inbox}::int)
        from generate_series(${from}::int, ${to}::int) as i`),
    ),
  );
  await time('analyze', () => db.execute(sql`analyze`));
  return took;
}
