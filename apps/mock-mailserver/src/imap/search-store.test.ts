import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { closeClients, deliver, imapflow, RawImap } from '../test-support/imap.js';
import { LineClient } from '../test-support/line-client.js';

let mock: MockMailServer;
beforeEach(async () => {
  mock = await startMockMailServer({ smtpsPort: false });
  await deliver(mock, 'ann@example.org', 'Order 1001', {
    from: 'Shop <shop@example.net>',
    headers: { 'X-Order': '1001' },
    date: new Date('2026-03-02T10:00:00Z'),
  });
  await deliver(mock, 'ann@example.org', 'Welcome', { text: 'Hello and welcome aboard\n' });
  await deliver(mock, 'ann+news@example.org', 'Newsletter', { cc: 'cy@example.org' });
  await deliver(mock, 'bob@example.org', 'Not for ann');
});
afterEach(async () => {
  await closeClients();
  await mock.close();
});

const subjects = (uids: number[]) => uids.map((uid) => mock.messages().find((m) => m.uid === uid)?.subject);

describe('IMAP SEARCH', () => {
  it('finds by flags, addresses, subject, body, header, dates, sizes, UID and sequence sets', async () => {
    const client = imapflow(mock, 'ann@example.org');
    await client.connect();
    await client.mailboxOpen('INBOX');
    const uids = async (query: Parameters<typeof client.search>[0]) =>
      subjects((await client.search(query, { uid: true })) || []);
    expect(await uids({ all: true })).toEqual(['Order 1001', 'Welcome', 'Newsletter']);
    expect(await uids({ from: 'shop@example' })).toEqual(['Order 1001']);
    expect(await uids({ from: 'SHOP' })).toEqual(['Order 1001']);
    expect(await uids({ to: 'ann+news' })).toEqual(['Newsletter']);
    expect(await uids({ cc: 'cy@' })).toEqual(['Newsletter']);
    expect(await uids({ subject: 'order' })).toEqual(['Order 1001']);
    expect(await uids({ body: 'welcome aboard' })).toEqual(['Welcome']);
    expect(await uids({ header: { 'x-order': '1001' } })).toEqual(['Order 1001']);
    expect(await uids({ sentBefore: new Date('2026-03-03T00:00:00Z') })).toEqual(['Order 1001']);
    expect(await uids({ since: new Date(Date.now() - 86_400_000) })).toHaveLength(3);
    expect(await uids({ before: new Date('2020-01-01T00:00:00Z') })).toEqual([]);
    expect(await uids({ larger: 1_000_000 })).toEqual([]);
    const [first] = mock.messages({ subject: 'Order 1001' });
    expect(await uids({ uid: `${first!.uid + 1}:*` })).toEqual(['Welcome', 'Newsletter']);
    expect(await uids({ or: [{ subject: 'welcome' }, { subject: 'newsletter' }] })).toEqual([
      'Welcome',
      'Newsletter',
    ]);
    expect(await uids({ not: { subject: 'welcome' } })).toEqual(['Order 1001', 'Newsletter']);
  });

  it('answers sequence numbers to SEARCH and UIDs to UID SEARCH; refuses unknown keys', async () => {
    const raw = await RawImap.connect(mock.imapPort);
    await raw.open('ann@example.org');
    expect(await raw.run('SEARCH 2:* SUBJECT e')).toEqual(['* SEARCH 2 3', 'T3 OK SEARCH completed']);
    const uids = mock
      .messages({ to: 'ann@example.org' })
      .map((m) => m.uid)
      .reverse();
    expect(await raw.run('UID SEARCH CHARSET UTF-8 (OR FROM shop TEXT welcome)')).toEqual([
      `* SEARCH ${uids[0]} ${uids[1]}`,
      'T4 OK UID SEARCH completed',
    ]);
    expect(await raw.run('SEARCH UNSEEN SINCE 1-Jan-2020 NOT DELETED')).toEqual([
      '* SEARCH 1 2 3',
      'T5 OK SEARCH completed',
    ]);
    expect(await raw.run('SEARCH FROB')).toEqual(['T6 BAD SEARCH: unknown key FROB']);
    expect(await raw.run('SEARCH SINCE yesterday')).toEqual([
      'T7 BAD SEARCH: SINCE needs a date such as 1-Feb-2026, got yesterday',
    ]);
    expect(await raw.run('SEARCH CHARSET KOI8-R ALL')).toEqual([
      'T8 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset',
    ]);
  });
});

describe('IMAP STORE', () => {
  it('adds, removes and replaces flags, silently on request, and SEARCH sees them', async () => {
    const raw = await RawImap.connect(mock.imapPort);
    await raw.open('ann@example.org');
    expect(await raw.run('STORE 1 +FLAGS (\\Flagged $Work)')).toEqual([
      '* 1 FETCH (FLAGS (\\Flagged $Work))',
      'T3 OK STORE completed',
    ]);
    const uid = mock.messages({ subject: 'Welcome' })[0]!.uid;
    expect(await raw.run(`UID STORE ${uid} +FLAGS.SILENT (\\Answered)`)).toEqual([
      'T4 OK UID STORE completed',
    ]);
    expect(await raw.run('STORE 1 -FLAGS ($Work)')).toEqual([
      '* 1 FETCH (FLAGS (\\Flagged))',
      'T5 OK STORE completed',
    ]);
    expect(await raw.run('STORE 3 FLAGS (\\Draft)')).toEqual([
      '* 3 FETCH (FLAGS (\\Draft))',
      'T6 OK STORE completed',
    ]);
    expect(await raw.run('SEARCH FLAGGED')).toEqual(['* SEARCH 1', 'T7 OK SEARCH completed']);
    expect(await raw.run('SEARCH ANSWERED')).toEqual(['* SEARCH 2', 'T8 OK SEARCH completed']);
    expect(await raw.run('SEARCH UNDRAFT')).toEqual(['* SEARCH 1 2', 'T9 OK SEARCH completed']);
    expect(await raw.run('STORE 1 +FLAGS (\\Recent)')).toEqual(['T10 BAD invalid flag \\Recent']);
    expect(mock.messages({ subject: 'Order 1001' })[0]!.flags).toEqual(['\\Flagged']);

    // A keyword in use is announced by the next SELECT.
    await raw.run('STORE 2 +FLAGS ($Label1)');
    expect(await raw.run('SELECT INBOX')).toContain(
      '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Label1)',
    );
  });

  it('keeps \\Seen and the read state of the HTTP APIs one and the same', async () => {
    const client = imapflow(mock, 'ann@example.org');
    await client.connect();
    await client.mailboxOpen('INBOX');
    const [welcome] = mock.messages({ subject: 'Welcome' });
    await client.messageFlagsAdd({ uid: String(welcome!.uid) }, ['\\Seen']);
    const list = async () =>
      (await (await fetch(`${mock.httpUrl}/api/v1/messages`)).json()) as {
        messages: Array<{ ID: string; Read: boolean }>;
      };
    expect((await list()).messages.find((m) => m.ID === welcome!.id)?.Read).toBe(true);
    expect(await client.search({ seen: true }, { uid: true })).toEqual([welcome!.uid]);

    // Marked unread over HTTP, it is unseen over IMAP.
    const put = await fetch(`${mock.httpUrl}/api/v1/messages`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Read: false, IDs: [welcome!.id] }),
    });
    expect(put.status).toBe(200);
    expect(await client.search({ seen: true }, { uid: true })).toEqual([]);
  });

  it('refuses changes in a mailbox opened with EXAMINE', async () => {
    const raw = await RawImap.connect(mock.imapPort);
    await raw.greeting();
    await raw.run('LOGIN ann@example.org x');
    expect((await raw.run('EXAMINE INBOX')).at(-1)).toBe('T2 OK [READ-ONLY] EXAMINE completed');
    expect(await raw.run('STORE 1 +FLAGS (\\Deleted)')).toEqual(['T3 NO [READ-ONLY] Mailbox is read-only']);
    expect(await raw.run('EXPUNGE')).toEqual(['T4 NO [READ-ONLY] Mailbox is read-only']);
  });
});

describe('IMAP EXPUNGE and CLOSE', () => {
  it('EXPUNGE removes \\Deleted messages from the server, for POP3 and HTTP too', async () => {
    const raw = await RawImap.connect(mock.imapPort);
    await raw.open('ann@example.org');
    await raw.run('STORE 1,3 +FLAGS.SILENT (\\Deleted)');
    expect(await raw.run('EXPUNGE')).toEqual(['* 3 EXPUNGE', '* 1 EXPUNGE', 'T4 OK EXPUNGE completed']);
    expect(mock.messages({ to: 'ann@example.org' }).map((m) => m.subject)).toEqual(['Welcome']);
    const http = (await (await fetch(`${mock.httpUrl}/api/messages?to=ann@example.org`)).json()) as {
      total: number;
    };
    expect(http.total).toBe(1);

    const pop = await LineClient.connect(mock.pop3Port);
    await pop.line();
    await pop.pop('USER ann@example.org');
    expect(await pop.pop('PASS x')).toBe('+OK ann@example.org has 1 messages');
    pop.close();
  });

  it('UID EXPUNGE removes only the UIDs it names', async () => {
    const client = imapflow(mock, 'ann@example.org');
    await client.connect();
    await client.mailboxOpen('INBOX');
    const [news, welcome, order] = mock.messages({ to: 'ann@example.org' });
    await client.messageFlagsAdd({ all: true }, ['\\Deleted']);
    const raw = await RawImap.connect(mock.imapPort);
    await raw.open('ann@example.org');
    expect(await raw.run(`UID EXPUNGE ${welcome!.uid}`)).toEqual([
      '* 2 EXPUNGE',
      'T3 OK UID EXPUNGE completed',
    ]);
    expect(mock.messages({ to: 'ann@example.org' })).toEqual([news, order].map((m) => mock.message(m!.id)));
    // imapflow's delete: flag and UID EXPUNGE.
    expect(await client.messageDelete({ uid: String(order!.uid) }, { uid: true })).toBe(true);
    expect(mock.messages({ to: 'ann@example.org' }).map((m) => m.subject)).toEqual(['Newsletter']);
  });

  it('CLOSE expunges silently and deselects; NOOP then tells another session', async () => {
    const other = await RawImap.connect(mock.imapPort);
    await other.open('ann@example.org');
    const raw = await RawImap.connect(mock.imapPort);
    await raw.open('ann@example.org');
    await raw.run('STORE 2 +FLAGS.SILENT (\\Deleted)');
    expect(await raw.run('CLOSE')).toEqual(['T4 OK CLOSE completed']);
    expect(await raw.run('FETCH 1 UID')).toEqual(['T5 BAD FETCH: select a mailbox first']);
    expect(await other.run('NOOP')).toEqual(['* 2 EXPUNGE', 'T3 OK NOOP completed']);
  });
});
