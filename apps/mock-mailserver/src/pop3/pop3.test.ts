import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { LineClient } from '../test-support/line-client.js';

let mock: MockMailServer;
afterEach(() => mock.close());

async function send(to: string, subject: string, text = 'body') {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
  await t.sendMail({ from: 'sender@example.org', to, subject, text });
}

async function login(user: string, pass = 'any', options: { tls?: boolean } = {}) {
  const client = await LineClient.connect(mock.pop3Port, options);
  expect(await client.line()).toMatch(/^\+OK /);
  expect(await client.pop(`USER ${user}`)).toMatch(/^\+OK/);
  const reply = await client.pop(`PASS ${pass}`);
  return { client, reply };
}

describe('POP3', () => {
  beforeEach(async () => {
    mock = await startMockMailServer({ httpPort: false, smtpsPort: false });
    await send('ann@example.org', 'first');
    await send('ann+shop@example.org', 'tagged', 'line one\r\n.starts with a dot\r\nline three');
    await send('bob@example.org', 'not for ann');
  });

  it('shows a login exactly its recipient mail, oldest first', async () => {
    const { client, reply } = await login('ann@example.org');
    expect(reply).toBe('+OK ann@example.org has 2 messages');
    const [first, second] = mock.messages({ to: 'ann@example.org' }).reverse();
    expect(await client.pop('STAT')).toBe(`+OK 2 ${first!.size + second!.size}`);
    client.write('LIST\r\n');
    expect(await client.line()).toBe('+OK 2 messages');
    expect(await client.multiline()).toEqual([`1 ${first!.size}`, `2 ${second!.size}`]);
    client.write('UIDL\r\n');
    await client.line();
    expect(await client.multiline()).toEqual([`1 ${first!.id}`, `2 ${second!.id}`]);
    expect(await client.pop('LIST 2')).toBe(`+OK 2 ${second!.size}`);
    expect(await client.pop('UIDL 1')).toBe(`+OK 1 ${first!.id}`);
    expect(await client.pop('LIST 3')).toBe('-ERR no such message');
    client.close();
  });

  it('selects one tag with a plus-address login', async () => {
    const { client, reply } = await login('ann+shop@example.org');
    expect(reply).toBe('+OK ann+shop@example.org has 1 messages');
    client.close();
  });

  it('RETR sends the raw source dot-stuffed; TOP sends headers and n lines', async () => {
    const { client } = await login('ann+shop@example.org');
    const message = mock.messages({ to: 'ann+shop@example.org' })[0]!;
    expect(await client.pop('RETR 1')).toBe(`+OK ${message.size} octets`);
    const lines = await client.multiline();
    expect(lines).toContain('..starts with a dot');
    const unstuffed = lines.map((l) => (l.startsWith('..') ? l.slice(1) : l)).join('\r\n');
    expect(`${unstuffed}\r\n`).toBe((await mock.raw(message.id))!.toString('latin1'));

    expect(await client.pop('TOP 1 1')).toMatch(/^\+OK/);
    const top = await client.multiline();
    expect(top).toContain('Subject: tagged');
    expect(top.slice(-2)).toEqual(['', 'line one']);
    client.close();
  });

  it('DELE marks, RSET unmarks, QUIT deletes from the server', async () => {
    const { client } = await login('ann@example.org');
    expect(await client.pop('DELE 1')).toBe('+OK message 1 deleted');
    expect(await client.pop('DELE 1')).toBe('-ERR message already deleted');
    expect(await client.pop('RETR 1')).toBe('-ERR message already deleted');
    expect(await client.pop('STAT')).toMatch(/^\+OK 1 /);
    expect(await client.pop('RSET')).toBe('+OK maildrop has 2 messages');
    expect(await client.pop('STAT')).toMatch(/^\+OK 2 /);
    await client.pop('DELE 2');
    expect(await client.pop('QUIT')).toBe('+OK bye');
    expect(await client.closesWithin(1000)).toBe(true);
    expect(mock.messages({ to: 'ann@example.org' }).map((m) => m.subject)).toEqual(['first']);
    expect(mock.messages()).toHaveLength(2);
  });

  it('a session without QUIT deletes nothing', async () => {
    const { client } = await login('ann@example.org');
    await client.pop('DELE 1');
    client.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(mock.messages({ to: 'ann@example.org' })).toHaveLength(2);
  });

  it('CAPA lists the capabilities, STLS upgrades to TLS', async () => {
    const client = await LineClient.connect(mock.pop3Port);
    await client.line();
    client.write('CAPA\r\n');
    expect(await client.line()).toMatch(/^\+OK/);
    expect(await client.multiline()).toEqual(expect.arrayContaining(['USER', 'UIDL', 'TOP', 'STLS']));
    expect(await client.pop('STLS')).toMatch(/^\+OK/);
    await client.upgrade();
    client.write('CAPA\r\n');
    await client.line();
    expect(await client.multiline()).not.toContain('STLS');
    expect(await client.pop('USER ann@example.org')).toMatch(/^\+OK/);
    expect(await client.pop('PASS x')).toBe('+OK ann@example.org has 2 messages');
    client.close();
  });

  it('refuses transaction commands before login and unknown commands', async () => {
    const client = await LineClient.connect(mock.pop3Port);
    await client.line();
    expect(await client.pop('STAT')).toBe('-ERR STAT not allowed now');
    expect(await client.pop('PASS x')).toBe('-ERR send USER first');
    expect(await client.pop('FOO')).toBe('-ERR unknown command');
    client.close();
  });

  it('a login without @ opens the mail of that SMTP user', async () => {
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mock.smtpPort,
      ignoreTLS: true,
      auth: { user: 'app-1', pass: 'x' },
    });
    await t.sendMail({ from: 'a@example.org', to: 'someone@example.org', subject: 'by app-1', text: 'x' });
    const { client, reply } = await login('app-1');
    expect(reply).toBe('+OK app-1 has 1 messages');
    client.close();
  });
});

describe('POP3 with a user list', () => {
  it('checks the password', async () => {
    mock = await startMockMailServer({
      httpPort: false,
      smtpsPort: false,
      users: { 'ann@example.org': 'pw' },
    });
    const wrong = await login('ann@example.org', 'nope');
    expect(wrong.reply).toBe('-ERR [AUTH] invalid username or password');
    wrong.client.close();
    const right = await login('ann@example.org', 'pw');
    expect(right.reply).toBe('+OK ann@example.org has 0 messages');
    right.client.close();
  });
});
