import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { closeClients, deliver, imapflow, RawImap, status, watchIdle } from '../test-support/imap.js';
import { LineClient } from '../test-support/line-client.js';

let mock: MockMailServer;
beforeEach(async () => {
  mock = await startMockMailServer({ smtpsPort: false, maxMessageSize: 64 * 1024 });
  await deliver(mock, 'ann@example.org', 'first');
});
afterEach(async () => {
  await closeClients();
  await mock.close();
});

describe('IMAP IDLE', () => {
  it('pushes EXISTS to an idling imapflow client the moment mail arrives over SMTP', async () => {
    const { idling, logger } = watchIdle();
    const client = imapflow(mock, 'ann@example.org', { logger, disableAutoIdle: true });
    await client.connect();
    await client.mailboxOpen('INBOX');
    const exists = new Promise((resolve) => client.once('exists', resolve));
    void client.idle();
    await idling;
    await deliver(mock, 'ann@example.org', 'pushed');
    expect(await exists).toEqual({ path: 'INBOX', count: 2, prevCount: 1 });
  });

  it('tells an idling client of new mail and of mail deleted over POP3, and ends on DONE', async () => {
    const raw = await RawImap.connect(mock.imapPort);
    await raw.open('ann@example.org');
    raw.write('I1 IDLE\r\n');
    expect(await raw.line.line()).toBe('+ idling');
    await deliver(mock, 'bob@example.org', 'not for ann');
    await deliver(mock, 'ann+tag@example.org', 'second');
    expect(await raw.line.line()).toBe('* 2 EXISTS');

    const pop = await LineClient.connect(mock.pop3Port);
    await pop.line();
    await pop.pop('USER ann@example.org');
    await pop.pop('PASS x');
    await pop.pop('DELE 1');
    await pop.pop('QUIT');
    expect(await raw.line.line()).toBe('* 1 EXPUNGE');

    raw.write('DONE\r\n');
    expect(await raw.until('I1')).toEqual(['I1 OK IDLE terminated']);
  });
});

describe('IMAP APPEND', () => {
  it('seeds a mailbox: flags, internal date, APPENDUID, and the store sees a delivery to the login', async () => {
    const client = imapflow(mock, 'ann@example.org');
    await client.connect();
    const source =
      'From: Seed <seed@example.net>\nTo: ann@example.org\nSubject: seeded\n\nYour code is 777123\n';
    const date = new Date('2025-06-01T08:00:00Z');
    const appended = await client.append('INBOX', source, ['\\Seen', '\\Flagged'], date);
    if (!appended) throw new Error('APPEND failed');
    const stored = mock.messages({ subject: 'seeded' })[0]!;
    expect(appended).toMatchObject({ destination: 'INBOX', uid: stored.uid });
    expect(stored).toMatchObject({
      transport: 'imap',
      authUser: 'ann@example.org',
      envelope: { mailFrom: 'seed@example.net', rcptTo: ['ann@example.org'] },
      read: true,
      flags: ['\\Flagged'],
      internalDate: date.toISOString(),
    });
    // Bare LFs became CRLFs.
    expect((await mock.raw(stored.id))!.toString()).toBe(source.replace(/\n/g, '\r\n'));
    expect(mock.codes(stored.id).codes[0]?.value).toBe('777123');

    await client.mailboxOpen('INBOX');
    const fetched = await client.fetchOne(
      String(stored.uid),
      { internalDate: true, flags: true },
      { uid: true },
    );
    expect(fetched && (fetched.internalDate as Date).toISOString()).toBe(date.toISOString());
    expect(await client.search({ before: new Date('2025-06-02T00:00:00Z') }, { uid: true })).toEqual([
      stored.uid,
    ]);
  });

  it('takes a synchronizing literal, refuses one over the size limit, and a folder that does not exist', async () => {
    const raw = await RawImap.connect(mock.imapPort);
    await raw.greeting();
    await raw.run('LOGIN app-1 x');
    const uidValidity = /UIDVALIDITY (\d+)/.exec((await raw.run('STATUS INBOX (UIDVALIDITY)'))[0]!)?.[1];
    const message = 'Subject: by literal\r\n\r\nhi\r\n';
    raw.write(`A1 APPEND INBOX (\\Draft) " 5-Jan-2026 09:30:00 +0100" {${message.length}}\r\n`);
    expect(await raw.line.line()).toBe('+ Ready for literal data');
    raw.write(`${message}\r\n`);
    const [reply] = await raw.until('A1');
    const stored = mock.messages({ user: 'app-1' })[0]!;
    expect(reply).toBe(`A1 OK [APPENDUID ${uidValidity} ${stored.uid}] APPEND completed`);
    expect(stored).toMatchObject({
      subject: 'by literal',
      flags: ['\\Draft'],
      internalDate: '2026-01-05T08:30:00.000Z',
    });

    expect(await raw.run('APPEND INBOX {70000}')).toEqual([
      'T3 NO [TOOBIG] literal of 70000 bytes is over 65536',
    ]);
    expect(await raw.run('APPEND Nope {2+}\r\nhi')).toEqual(['T4 NO [TRYCREATE] No such mailbox']);
    // The bound holds for all the literals of one command together.
    raw.write(`L1 APPEND INBOX {40000+}\r\n${'a'.repeat(40000)} {40000}\r\n`);
    expect(await raw.until('L1')).toEqual(['L1 NO [TOOBIG] literal of 40000 bytes is over 65536']);
  });
});

describe('IMAP folders, COPY and MOVE', () => {
  it('CREATE, LIST, COPY with COPYUID, MOVE out of INBOX (gone for POP3), DELETE', async () => {
    await deliver(mock, 'ann@example.org', 'second');
    const client = imapflow(mock, 'ann@example.org');
    await client.connect();
    expect(await client.mailboxCreate('Archive')).toMatchObject({ path: 'Archive', created: true });
    expect((await client.list()).map((f) => f.path)).toEqual(['INBOX', 'Archive']);
    await client.mailboxOpen('INBOX');
    const [second, first] = mock.messages({ to: 'ann@example.org' });
    await client.messageFlagsAdd({ uid: String(first!.uid) }, ['\\Flagged']);

    const copied = await client.messageCopy({ uid: String(first!.uid) }, 'Archive', { uid: true });
    if (!copied) throw new Error('COPY failed');
    const copy = mock.messages({ to: 'ann@example.org' }).find((m) => m.folder === 'Archive')!;
    expect(copied.uidMap?.get(first!.uid)).toBe(copy.uid);
    expect(copy).toMatchObject({
      subject: 'first',
      transport: 'imap',
      flags: ['\\Flagged'],
      internalDate: first!.receivedAt,
    });
    expect(await status(client, 'Archive', { messages: true })).toMatchObject({ messages: 1 });

    const moved = await client.messageMove({ uid: String(second!.uid) }, 'Archive', { uid: true });
    if (!moved) throw new Error('MOVE failed');
    expect(mock.message(second!.id)).toBeUndefined();
    expect(client.mailbox ? client.mailbox.exists : null).toBe(1);
    expect(await status(client, 'Archive', { messages: true })).toMatchObject({ messages: 2 });

    // POP3 reads INBOX only.
    const pop = await LineClient.connect(mock.pop3Port);
    await pop.line();
    await pop.pop('USER ann@example.org');
    expect(await pop.pop('PASS x')).toBe('+OK ann@example.org has 1 messages');
    pop.close();

    await client.mailboxOpen('INBOX');
    expect(await client.mailboxDelete('Archive')).toMatchObject({ path: 'Archive' });
    expect(mock.messages({ to: 'ann@example.org' }).map((m) => m.subject)).toEqual(['first']);
    expect((await client.list()).map((f) => f.path)).toEqual(['INBOX']);
  });

  it('answers MOVE with an untagged COPYUID and the EXPUNGEs; COPY to a missing folder says TRYCREATE', async () => {
    await deliver(mock, 'ann@example.org', 'second');
    const raw = await RawImap.connect(mock.imapPort);
    await raw.open('ann@example.org');
    expect(await raw.run('COPY 1 Nope')).toEqual(['T3 NO [TRYCREATE] No such mailbox']);
    expect(await raw.run('CREATE Archive/2026')).toEqual(['T4 OK CREATE completed']);
    expect(await raw.run('CREATE Archive/2026')).toEqual(['T5 NO [ALREADYEXISTS] Mailbox already exists']);
    const [second, first] = mock.messages({ to: 'ann@example.org' });
    const lines = await raw.run('MOVE 1:2 Archive/2026');
    const copies = mock.messages({ to: 'ann@example.org' });
    expect(lines).toEqual([
      `* OK [COPYUID ${/UIDVALIDITY (\d+)/.exec((await raw.run('STATUS INBOX (UIDVALIDITY)'))[0]!)?.[1]} ${first!.uid}:${second!.uid} ${copies[1]!.uid}:${copies[0]!.uid}] Moved`,
      '* 2 EXPUNGE',
      '* 1 EXPUNGE',
      'T6 OK MOVE completed',
    ]);
    expect(await raw.run('LIST "" "*"')).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX"',
      '* LIST (\\HasNoChildren) "/" "Archive/2026"',
      'T8 OK LIST completed',
    ]);
  });
});
