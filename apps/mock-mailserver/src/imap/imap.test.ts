import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { closeClients, deliver, imapflow, RawImap, status } from '../test-support/imap.js';

let mock: MockMailServer;
afterEach(async () => {
  await closeClients();
  await mock?.close();
});

const start = (options: Parameters<typeof startMockMailServer>[0] = {}) =>
  startMockMailServer({ httpPort: false, smtpsPort: false, pop3Port: false, ...options }).then((m) => {
    mock = m;
    return m;
  });

describe('IMAP sessions', () => {
  it('greets with its capabilities, upgrades with STARTTLS and then stops offering it', async () => {
    await start();
    const raw = await RawImap.connect(mock.imapPort);
    expect(await raw.greeting()).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 .*STARTTLS\] /);
    expect(await raw.run('CAPABILITY')).toEqual([
      expect.stringMatching(
        /^\* CAPABILITY IMAP4rev1 LITERAL\+ SASL-IR AUTH=PLAIN AUTH=XOAUTH2 AUTH=OAUTHBEARER ID IDLE NAMESPACE UIDPLUS MOVE/,
      ),
      'T1 OK CAPABILITY completed',
    ]);
    expect(await raw.run('SELECT INBOX')).toEqual(['T2 BAD SELECT: log in first']);
    expect(await raw.run('STARTTLS')).toEqual(['T3 OK Begin TLS negotiation now']);
    await raw.line.upgrade();
    const caps = await raw.run('CAPABILITY');
    expect(caps[0]).not.toContain('STARTTLS');
    expect(await raw.run('LOGIN ann@example.org x')).toEqual([
      expect.stringMatching(/^T5 OK \[CAPABILITY .*\] Logged in$/),
    ]);
    expect(await raw.run('LOGIN ann@example.org x')).toEqual(['T6 BAD LOGIN: already logged in']);
    expect(await raw.run('FETCH 1 UID')).toEqual(['T7 BAD FETCH: select a mailbox first']);
    expect(await raw.run('FROB')).toEqual(['T8 BAD unknown command FROB']);
    expect(await raw.run('LOGOUT')).toEqual(['* BYE mock-mailserver logging out', 'T9 OK LOGOUT completed']);
    expect(await raw.line.closesWithin(1000)).toBe(true);
  });

  it('imapflow upgrades with STARTTLS on the plain port and connects over implicit TLS', async () => {
    await start();
    await deliver(mock, 'ann@example.org', 'over TLS');
    const plain = imapflow(mock, 'ann@example.org');
    await plain.connect();
    expect(plain.secureConnection).toBe(true);
    const implicit = imapflow(mock, 'ann@example.org', { port: mock.imapsPort, secure: true });
    await implicit.connect();
    expect(await status(implicit, 'INBOX', { messages: true })).toMatchObject({ messages: 1 });
  });

  it('reads literals: synchronizing after "+", LITERAL+ without waiting', async () => {
    await start({ users: { 'ann@example.org': 'p w' } });
    const raw = await RawImap.connect(mock.imapPort);
    await raw.greeting();
    raw.write('A1 LOGIN {15}\r\n');
    expect(await raw.line.line()).toBe('+ Ready for literal data');
    raw.write('ann@example.org {3+}\r\np w\r\n');
    expect((await raw.until('A1'))[0]).toMatch(/^A1 OK /);
  });

  it('opens per login the same mail as POP3: a recipient, its plus tags, or an SMTP username', async () => {
    await start();
    await deliver(mock, 'ann@example.org', 'plain');
    await deliver(mock, 'ann+shop@example.org', 'tagged');
    await deliver(mock, 'bob@example.org', 'for bob');
    const count = async (user: string) => {
      const client = imapflow(mock, user);
      await client.connect();
      const counts = await status(client, 'INBOX', { messages: true });
      await client.logout();
      return counts.messages;
    };
    expect(await count('ann@example.org')).toBe(2);
    expect(await count('ANN+shop@example.org')).toBe(1);
    expect(await count('bob@example.org')).toBe(1);
    expect(await count('nobody@example.org')).toBe(0);
  });

  it('checks passwords against the user list: LOGIN, AUTHENTICATE PLAIN and XOAUTH2', async () => {
    await start({ users: { 'ann@example.org': 'secret', 'app-1': 'token-1' } });
    const wrong = imapflow(mock, 'ann@example.org', { auth: { user: 'ann@example.org', pass: 'nope' } });
    await expect(wrong.connect()).rejects.toMatchObject({ authenticationFailed: true });
    const right = imapflow(mock, 'ann@example.org', { auth: { user: 'ann@example.org', pass: 'secret' } });
    await right.connect();
    const oauth = imapflow(mock, 'app-1', { auth: { user: 'app-1', accessToken: 'token-1' } });
    await oauth.connect();
    const badToken = imapflow(mock, 'app-1', { auth: { user: 'app-1', accessToken: 'stale' } });
    await expect(badToken.connect()).rejects.toMatchObject({ authenticationFailed: true });

    const raw = await RawImap.connect(mock.imapPort);
    await raw.greeting();
    const plain = (s: string) => Buffer.from(s).toString('base64');
    expect(await raw.run(`AUTHENTICATE PLAIN ${plain('\0ann@example.org\0wrong')}`)).toEqual([
      'T1 NO [AUTHENTICATIONFAILED] Invalid credentials',
    ]);
    raw.write('T2 AUTHENTICATE PLAIN\r\n');
    expect(await raw.line.line()).toBe('+ ');
    raw.write(`${plain('\0ann@example.org\0secret')}\r\n`);
    expect((await raw.until('T2'))[0]).toMatch(/^T2 OK /);
  });

  it('lists INBOX, answers STATUS and SELECT with stable UIDVALIDITY and UIDs', async () => {
    await start();
    await deliver(mock, 'ann@example.org', 'one');
    await deliver(mock, 'ann@example.org', 'two');
    const [two, one] = mock.messages({ to: 'ann@example.org' });
    const client = imapflow(mock, 'ann@example.org');
    await client.connect();
    expect((await client.list()).map((f) => f.path)).toEqual(['INBOX']);
    const counts = await status(client, 'INBOX', {
      messages: true,
      uidNext: true,
      unseen: true,
      uidValidity: true,
    });
    expect(counts).toMatchObject({ messages: 2, unseen: 2, uidNext: two!.uid + 1 });
    const mailbox = await client.mailboxOpen('INBOX');
    expect(mailbox).toMatchObject({ exists: 2, uidNext: two!.uid + 1 });
    expect(mailbox.uidValidity).toBe(counts.uidValidity);
    const uids = (await client.fetchAll('1:*', { uid: true })).map((m) => m.uid);
    expect(uids).toEqual([one!.uid, two!.uid]);
  });

  it('FETCH answers FLAGS, UID, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODYSTRUCTURE and the source', async () => {
    await start();
    await deliver(mock, 'ann@example.org', 'Order 1001', {
      from: '"Shop, Inc." <shop@example.net>',
      cc: 'cy@example.org',
      text: 'Your code is 384615',
      html: '<p>Your code is <b>384615</b></p>',
      attachments: [{ filename: 'invoice.txt', content: 'total: 10' }],
    });
    const stored = mock.messages()[0]!;
    const client = imapflow(mock, 'ann@example.org');
    await client.connect();
    await client.mailboxOpen('INBOX');
    const m = await client.fetchOne('1', {
      uid: true,
      flags: true,
      internalDate: true,
      size: true,
      envelope: true,
      bodyStructure: true,
      source: true,
    });
    if (!m) throw new Error('nothing fetched');
    expect(m.uid).toBe(stored.uid);
    expect([...(m.flags ?? [])]).toEqual([]);
    expect(m.size).toBe(stored.size);
    expect((m.internalDate as Date).toISOString()).toBe(
      new Date(Math.floor(Date.parse(stored.receivedAt) / 1000) * 1000).toISOString(),
    );
    expect(m.source?.equals((await mock.raw(stored.id))!)).toBe(true);
    expect(m.envelope).toMatchObject({
      subject: 'Order 1001',
      messageId: stored.messageId,
      from: [{ name: 'Shop, Inc.', address: 'shop@example.net' }],
      sender: [{ address: 'shop@example.net' }],
      to: [{ address: 'ann@example.org' }],
      cc: [{ address: 'cy@example.org' }],
    });
    const structure = m.bodyStructure!;
    expect(structure.type).toBe('multipart/mixed');
    expect(structure.childNodes?.map((n) => [n.part, n.type])).toEqual([
      ['1', 'multipart/alternative'],
      ['2', 'text/plain'],
    ]);
    expect(structure.childNodes?.[0]?.childNodes?.map((n) => [n.part, n.type])).toEqual([
      ['1.1', 'text/plain'],
      ['1.2', 'text/html'],
    ]);
    expect(structure.childNodes?.[1]).toMatchObject({
      disposition: 'attachment',
      dispositionParameters: { filename: 'invoice.txt' },
    });

    const parts = await client.fetchOne('1', { bodyParts: ['1.1', '2'], headers: ['subject', 'cc'] });
    if (!parts) throw new Error('nothing fetched');
    expect(parts.bodyParts?.get('1.1')?.toString()).toBe('Your code is 384615');
    expect(parts.bodyParts?.get('2')?.toString()).toBe(Buffer.from('total: 10').toString('base64'));
    // In the message's order, as Dovecot answers.
    expect(parts.headers?.toString()).toBe('Cc: cy@example.org\r\nSubject: Order 1001\r\n\r\n');
    const { content } = await client.download('1', '2');
    if (!content) throw new Error('nothing downloaded');
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('total: 10');
  });

  it('serves BODY[] sections and partial ranges to a raw client', async () => {
    await start();
    await deliver(mock, 'ann@example.org', 'sections', { text: 'abcdefghij' });
    const raw = await RawImap.connect(mock.imapPort);
    await raw.open('ann@example.org');
    const header = (await mock.raw(mock.messages()[0]!.id))!.toString().split('\r\n\r\n')[0]!;
    expect(await raw.run('FETCH 1 (BODY.PEEK[TEXT]<2.5>)')).toEqual([
      '* 1 FETCH (BODY[TEXT]<2> {5}',
      'cdefg)',
      'T3 OK FETCH completed',
    ]);
    expect(await raw.run('FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[1])')).toEqual([
      '* 1 FETCH (BODY[HEADER.FIELDS (Subject)] {21}',
      'Subject: sections',
      '',
      ' BODY[1] {12}',
      'abcdefghij',
      ')',
      'T4 OK FETCH completed',
    ]);
    const headerLines = await raw.run('FETCH 1 (RFC822.HEADER BODY.PEEK[3])');
    expect(headerLines[0]).toBe(`* 1 FETCH (RFC822.HEADER {${header.length + 4}}`);
    expect(headerLines.at(-2)).toBe(' BODY[3] NIL)');
    expect(await raw.run('FETCH 2 UID')).toEqual(['T6 BAD no message 2: the mailbox has 1']);
    expect(await raw.run('FETCH 1 (BODY[MIME])')).toEqual(['T7 BAD MIME needs a part number']);
  });

  it('marks a message seen when its body is read, not on PEEK or EXAMINE: the read state the HTTP API shows', async () => {
    await start();
    await deliver(mock, 'ann@example.org', 'read me');
    const id = mock.messages()[0]!.id;
    const raw = await RawImap.connect(mock.imapPort);
    await raw.greeting();
    await raw.run('LOGIN ann@example.org x');
    await raw.run('EXAMINE INBOX');
    await raw.run('FETCH 1 BODY[]');
    expect(mock.message(id)!.read).toBe(false);
    expect((await raw.run('SELECT INBOX')).at(-1)).toBe('T4 OK [READ-WRITE] SELECT completed');
    await raw.run('FETCH 1 BODY.PEEK[]');
    expect(mock.message(id)!.read).toBe(false);
    const lines = await raw.run('FETCH 1 (BODY[TEXT])');
    expect(lines.at(-2)).toBe(' FLAGS (\\Seen))');
    expect(mock.message(id)!.read).toBe(true);
  });

  it('tells a selected client of mail that arrived (EXISTS) and mail deleted elsewhere (EXPUNGE)', async () => {
    await start();
    await deliver(mock, 'ann@example.org', 'first');
    await deliver(mock, 'ann@example.org', 'second');
    const raw = await RawImap.connect(mock.imapPort);
    const selected = await raw.open('ann@example.org');
    expect(selected).toContain('* 2 EXISTS');
    await deliver(mock, 'ann@example.org', 'third');
    await deliver(mock, 'bob@example.org', 'not for ann');
    mock.deleteMessages({ subject: 'first' });
    // FETCH must not shift sequence numbers under the client: the EXPUNGE waits.
    expect(await raw.run('FETCH 2 (UID)')).toEqual([
      `* 2 FETCH (UID ${mock.messages({ subject: 'second' })[0]!.uid})`,
      '* 3 EXISTS',
      'T3 OK FETCH completed',
    ]);
    expect(await raw.run('NOOP')).toEqual(['* 1 EXPUNGE', 'T4 OK NOOP completed']);
  });

  it('keeps UIDVALIDITY and UIDs across a restart with storeDir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mock-imap-'));
    try {
      await start({ storeDir: dir });
      await deliver(mock, 'ann@example.org', 'kept');
      await deliver(mock, 'ann@example.org', 'deleted');
      mock.deleteMessages({ subject: 'deleted' });
      const before = imapflow(mock, 'ann@example.org');
      await before.connect();
      const first = await status(before, 'INBOX', { uidValidity: true, uidNext: true });
      await closeClients();
      await mock.close();

      await start({ storeDir: dir });
      const after = imapflow(mock, 'ann@example.org');
      await after.connect();
      expect(await status(after, 'INBOX', { uidValidity: true, uidNext: true })).toEqual(first);
      await after.mailboxOpen('INBOX');
      expect((await after.fetchAll('1:*', { uid: true })).map((m) => m.uid)).toEqual([1]);
    } finally {
      await closeClients();
      await mock.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
