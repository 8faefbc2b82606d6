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
 * Vocabularies the fill draws from, so that text is as selective as in real mail: a customer's address
 * is one of 200,000 (first.last+n at one of 900 domains), a subject is a template with a product word and
 * a number, and the Main Log says different things about different customers. The bench picks its search
 * terms from the same lists (`SUBJECT`, `NOUN`, `customerAddress`).
 */
export const FIRST = [
  'anna',
  'ben',
  'carla',
  'david',
  'emma',
  'felix',
  'greta',
  'hugo',
  'ines',
  'jonas',
  'karin',
  'lukas',
  'mia',
  'noah',
  'olga',
  'paul',
  'quinn',
  'rosa',
  'samir',
  'tina',
  'umar',
  'vera',
  'wim',
  'xenia',
  'yusuf',
  'zoe',
  'amir',
  'bea',
  'chen',
  'dana',
  'eli',
  'fatima',
  'gil',
  'hana',
  'ivan',
  'julia',
  'kenji',
  'lea',
  'marco',
  'nina',
];
export const LAST = [
  'schmidt',
  'mueller',
  'garcia',
  'rossi',
  'novak',
  'smith',
  'jones',
  'kowalski',
  'dubois',
  'jansen',
  'silva',
  'tanaka',
  'kim',
  'nguyen',
  'olsen',
  'berg',
  'costa',
  'weber',
  'fischer',
  'wagner',
  'becker',
  'hoffmann',
  'klein',
  'wolf',
  'neumann',
  'brown',
  'martin',
  'bernard',
  'moreau',
  'lopez',
  'perez',
  'sato',
  'suzuki',
  'ivanova',
  'petrov',
  'horvat',
  'nagy',
  'popescu',
  'lindqvist',
  'virtanen',
];
const DOMAIN_A = [
  'north',
  'blue',
  'green',
  'swift',
  'bright',
  'alpine',
  'urban',
  'solid',
  'clear',
  'prime',
  'river',
  'stone',
  'sunny',
  'metro',
  'nova',
  'pixel',
  'maple',
  'cedar',
  'harbor',
  'silver',
  'golden',
  'rapid',
  'quiet',
  'open',
  'true',
  'smart',
  'happy',
  'iron',
  'lake',
  'star',
];
const DOMAIN_B = [
  'works',
  'labs',
  'mail',
  'shop',
  'media',
  'foods',
  'travel',
  'bank',
  'health',
  'school',
  'studio',
  'group',
  'systems',
  'motors',
  'garden',
  'books',
  'sports',
  'games',
  'energy',
  'legal',
  'design',
  'farm',
  'wear',
  'homes',
  'tech',
  'print',
  'cloud',
  'cafe',
  'dental',
  'yoga',
];
const TLD = ['com', 'de', 'org', 'net', 'io', 'fr', 'nl', 'co.uk', 'es', 'it'];
export const SUBJECT = [
  'Invoice',
  'Your order',
  'Receipt for',
  'Shipping update:',
  'Password reset for',
  'Welcome to',
  'Reminder:',
  'Meeting notes:',
  'Quote for',
  'Newsletter:',
  'Delivery delayed:',
  'Payment received for',
  'Ticket',
  'Booking confirmed:',
  'Renewal of',
  'Feedback on',
];
export const NOUN = [
  'chair',
  'desk',
  'lamp',
  'kettle',
  'bicycle',
  'helmet',
  'tent',
  'backpack',
  'camera',
  'tripod',
  'printer',
  'monitor',
  'keyboard',
  'headphones',
  'speaker',
  'jacket',
  'sneakers',
  'umbrella',
  'wallet',
  'watch',
  'blender',
  'toaster',
  'vacuum',
  'drill',
  'ladder',
  'paint',
  'sofa',
  'mattress',
  'pillow',
  'blanket',
  'curtain',
  'rug',
  'mirror',
  'shelf',
  'stroller',
  'guitar',
  'violin',
  'piano',
  'telescope',
  'microscope',
  'scooter',
  'kayak',
  'snowboard',
  'skates',
  'racket',
  'football',
  'treadmill',
  'dumbbell',
  'yoga mat',
  'aquarium',
  'birdhouse',
  'grill',
  'hammock',
  'lantern',
  'thermos',
  'cookbook',
  'novel',
  'atlas',
  'puzzle',
  'subscription',
];
export const CUSTOMERS = 200_000;
/** The teams of the history's messages (`messages.team_id`; 30 % each, the other 40 % no team). */
export const BENCH_TEAMS = ['bench-team-a', 'bench-team-b'] as const;
/** A team with no account (a new one): its filters must find nothing without reading the lists. */
export const BENCH_EMPTY_TEAM = 'bench-team-new';

const arr = (xs: readonly string[]) => `array[${xs.map((x) => `'${x}'`).join(',')}]`;
/** A well-mixed non-negative number from an integer expression (Knuth's multiplicative hash). */
const mix = (e: string, salt: number) => `((((${e})::bigint + ${salt}) * 2654435761) % 4294967296)`;
/** Customer number `c` → its address, in SQL; `customerAddress` is the same in TypeScript. */
const addressSql = (c: string) =>
  `(${arr(FIRST)})[1 + (${c}) % ${FIRST.length}] || '.' || (${arr(LAST)})[1 + ((${c}) / ${FIRST.length}) % ${LAST.length}]` +
  ` || ((${c}) / ${FIRST.length * LAST.length}) || '@' || (${arr(DOMAIN_A)})[1 + ${mix(c, 1)} % ${DOMAIN_A.length}]` +
  ` || (${arr(DOMAIN_B)})[1 + ${mix(c, 2)} % ${DOMAIN_B.length}] || '.' || (${arr(TLD)})[1 + ${mix(c, 3)} % ${TLD.length}]`;

const mixJs = (n: number, salt: number) => Number(((BigInt(n) + BigInt(salt)) * 2654435761n) % 4294967296n);
export function customerAddress(c: number): string {
  const pick = (xs: readonly string[], k: number) => xs[k % xs.length] as string;
  return `${pick(FIRST, c)}.${pick(LAST, Math.floor(c / FIRST.length))}${Math.floor(c / (FIRST.length * LAST.length))}@${pick(DOMAIN_A, mixJs(c, 1))}${pick(DOMAIN_B, mixJs(c, 2))}.${pick(TLD, mixJs(c, 3))}`;
}

/**
 * History spread over the last year (messages) or month (logs), newest last: 96% sent, 2% failed, 2%
 * cancelled, over ten accounts (the bench account among them); 200,000 distinct customers drawn at random
 * (about five messages each in a million), subjects and log lines from the vocabularies above.
 */
export async function fill(db: Db, accountId: string, n: FillSizes): Promise<Record<string, number>> {
  const took: Record<string, number> = {};
  const time = async (what: string, run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    took[what] = Math.round(performance.now() - t0);
  };
  const customer = (i: string) => sql.raw(addressSql(`${mix(i, 7)} % ${CUSTOMERS}`));
  const sender = (i: string) =>
    sql.raw(
      `case when ${i} % 10 = 0 then 'bench@example.com' else (${arr(['sales', 'billing', 'noreply', 'support', 'orders', 'news', 'hello', 'team', 'info'])})[${i} % 10] || '@shop' || (${i} % 10) || '.example' end`,
    );
  const subject = (i: string) =>
    sql.raw(
      `(${arr(SUBJECT)})[1 + ${mix(i, 11)} % ${SUBJECT.length}] || ' ' || (${arr(NOUN)})[1 + ${mix(i, 13)} % ${NOUN.length}] || ' #' || (${mix(i, 17)} % 1000000)`,
    );
  const account = (i: string) =>
    sql.raw(`case when ${i} % 10 = 0 then '${accountId}' else 'acc' || (${i} % 10) end`);
  // Three accounts' mail is team A's, three team B's, the rest (the bench account's too) the system's.
  const team = (i: string) =>
    sql.raw(
      `case when ${i} % 10 between 1 and 3 then '${BENCH_TEAMS[0]}' when ${i} % 10 between 4 and 6 then '${BENCH_TEAMS[1]}' end`,
    );
  // The history's other accounts (acc1 … acc9) and their teams, so a team's filter on the Main Log (which
  // goes through its accounts) finds their rows. Inactive: nothing polls or sends with them.
  await time('accounts', async () => {
    await db.execute(
      sql.raw(
        `insert into teams (id, name) values ${[...BENCH_TEAMS, BENCH_EMPTY_TEAM].map((t) => `('${t}', '${t}')`).join(', ')} on conflict (id) do nothing`,
      ),
    );
    await db.execute(sql`
      insert into accounts (id, name, purpose, team_id, stage)
      select 'acc' || i, 'bench history ' || i, 'system', ${team('i')}, 'inactive' from generate_series(1, 9) as i
      on conflict (id) do nothing`);
  });
  await time('messages', () =>
    chunked(n.history, (from, to) =>
      db.execute(sql`
        insert into messages (id, account_id, team_id, status, mode, route_reason, from_address, "to", recipients,
                              subject, text, attempt_count, created_at, updated_at, sent_at, next_attempt_at)
        select 'h' || lpad(i::text, 9, '0'), ${account('i')}, ${team('i')},
               case when i % 50 = 0 then 'failed' when i % 50 = 25 then 'cancelled' else 'sent' end,
               'queued', 'account_id', ${sender('i')},
               jsonb_build_array(${customer('i')}),
               jsonb_build_array(jsonb_build_object('address', ${customer('i')},
                 'status', case when i % 50 = 0 then 'rejected' else 'accepted' end,
                 'reply', case when i % 50 = 0 then '550 5.1.1 No such user' else '250 2.0.0 Ok: queued' end)),
               ${subject('i')}, repeat(${BODY}, 11), 1,
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
               case i % 8
                 when 0 then 'Sent to ' || ${customer('i')} || ': 250 2.0.0 Ok: queued as ' || upper(to_hex(${sql.raw(mix('i', 19))}))
                 when 1 then 'Fetched ' || (i % 40) || ' messages from INBOX of ' || ${customer('i')}
                 when 2 then 'Deferred ' || ${customer('i')} || ': 451 4.7.1 Try again later'
                 when 3 then 'SMTP AUTH failed for ' || ${customer('i')} || ' from 203.0.113.' || (i % 250)
                 when 4 then 'Connection test to mx.' || split_part(${customer('i')}, '@', 2) || ' succeeded in ' || (i % 900) || ' ms'
                 when 5 then 'Verification code sent to ' || ${customer('i')}
                 when 6 then 'Settings changed: ' || (${sql.raw(arr(NOUN))})[1 + i % ${sql.raw(String(NOUN.length))}] || ' policy'
                 else 'IMAP login of ' || ${customer('i')} || ' accepted'
               end,
               ${account('i')}, case when i % 8 in (3, 6) then ${sql.raw(addressSql(`${mix('i', 23)} % 500`))} else 'system' end,
               jsonb_build_object('n', i)
        from generate_series(${from}::int, ${to}::int) as i`),
    ),
  );
  await time('inbox', () =>
    chunked(n.inbox, (from, to) =>
      db.execute(sql`
        insert into inbox_messages (id, account_id, protocol, mailbox, uid_validity, uid, message_id_header,
                                    from_address, from_name, "to", subject, text, size, raw, fetched_at)
        select 'i' || lpad(i::text, 9, '0'), ${accountId}, 'imap', 'INBOX', 1, i, '<' || i || '@client.example.net>',
               ${customer('i')}, initcap(split_part(${customer('i')}, '.', 1)), '["support@example.com"]'::jsonb,
               'Re: ' || ${subject('i')}, repeat(${BODY}, 11), 700, 'Subject: Re: question ' || i || E'\r\n\r\n' || repeat(${BODY}, 11),
               now() - (${n.inbox}::int - i) * (interval '89 days' / ${n.inbox}::int)
        from generate_series(${from}::int, ${to}::int) as i`),
    ),
  );
  // Vacuumed as a year-old database would have been by autovacuum: visibility map set, statistics fresh.
  await time('vacuum', () => db.execute(sql`vacuum analyze`));
  return took;
}
