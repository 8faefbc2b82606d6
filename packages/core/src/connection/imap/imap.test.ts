import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingParsed } from '../../schemas/account';
import { runConnectionTest } from '../engine';
import { engineOptions, onLines, startServer, type TestServer } from '../testkit';
import { parseList, parseStatus } from './check';
import { parseCapabilities } from './command';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const part = (
  port: number,
  protocol: 'imap' | 'pop3',
  security: IncomingParsed['security'] = 'starttls',
): IncomingParsed => ({
  protocol,
  host: '127.0.0.1',
  port,
  security,
  allowInvalidCertificates: true,
  auth: { method: 'password', username: 'joe', password: 'imap-Secret-1' },
  mailbox: 'INBOX',
  pollIntervalSec: 60,
  afterFetch: 'keep',
  enabled: true,
});

/** An IMAP server without STARTTLS, answering CAPABILITY and LOGIN; `seen` records client lines. */
function plainImap(seen: string[], caps = 'IMAP4rev1 AUTH=PLAIN') {
  return startServer((s) => {
    s.write('* OK fake IMAP ready\r\n');
    onLines(s, (line) => {
      seen.push(line);
      const [tag, cmd] = line.split(' ');
      if (cmd === 'CAPABILITY') s.write(`* CAPABILITY ${caps}\r\n${tag} OK done\r\n`);
      else s.write(`${tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n`);
    });
  });
}

describe('IMAP and POP3 failure classes', () => {
  it('IMAP: STARTTLS required but not offered fails as "tls" before any credential is sent', async () => {
    const seen: string[] = [];
    server = await plainImap(seen);
    const { result } = await runConnectionTest('incoming', part(server.port, 'imap'), engineOptions());
    expect(result.error).toMatchObject({ code: 'tls', message: expect.stringContaining('STARTTLS') });
    expect(seen.some((l) => /LOGIN|AUTHENTICATE/.test(l))).toBe(false);
  });

  it('IMAP: LOGINDISABLED on a plain connection fails as "auth" with a TLS hint', async () => {
    const seen: string[] = [];
    server = await plainImap(seen, 'IMAP4rev1 LOGINDISABLED');
    const { result } = await runConnectionTest(
      'incoming',
      part(server.port, 'imap', 'none'),
      engineOptions(),
    );
    expect(result.error).toMatchObject({ code: 'auth', hint: expect.stringContaining('starttls') });
    expect(seen.some((l) => /LOGIN /.test(l))).toBe(false);
  });

  it('IMAP: a "* BYE" greeting is the server refusing us ("rejected")', async () => {
    server = await startServer((s) => s.end('* BYE Too many connections from your IP\r\n'));
    const { result } = await runConnectionTest(
      'incoming',
      part(server.port, 'imap', 'none'),
      engineOptions(),
    );
    expect(result.error).toMatchObject({
      code: 'rejected',
      reply: expect.stringContaining('Too many connections'),
    });
  });

  it.each(['imap', 'pop3'] as const)(
    '%s: a server that never greets fails as "greeting" within the greeting timeout',
    async (protocol) => {
      server = await startServer(() => {});
      const { result } = await runConnectionTest(
        'incoming',
        part(server.port, protocol, 'none'),
        engineOptions(),
      );
      // The greeting timeout (500 ms in engineOptions) is the one that fired.
      expect(result.error).toMatchObject({
        code: 'greeting',
        message: 'The server accepted the connection but sent no greeting within 500 ms',
      });
    },
  );

  it('POP3: STLS required but not offered fails as "tls" before USER/PASS', async () => {
    const seen: string[] = [];
    server = await startServer((s) => {
      s.write('+OK fake POP3\r\n');
      onLines(s, (line) => {
        seen.push(line);
        if (line === 'CAPA') s.write('+OK\r\nUSER\r\nUIDL\r\n.\r\n');
        else s.write('-ERR no\r\n');
      });
    });
    const { result } = await runConnectionTest('incoming', part(server.port, 'pop3'), engineOptions());
    expect(result.error).toMatchObject({ code: 'tls', message: expect.stringContaining('STLS') });
    expect(seen.some((l) => /^(USER|PASS|AUTH)/.test(l))).toBe(false);
  });

  it('parses LIST (quoted and literal names), STATUS and CAPABILITY responses', () => {
    expect(
      parseList([
        '* LIST (\\HasNoChildren) "." INBOX',
        '* LIST () "/" "Sent Items"',
        '* LIST () NIL "a \\"q\\""',
      ]),
    ).toEqual(['INBOX', 'Sent Items', 'a "q"']);
    expect(parseStatus(['* STATUS INBOX (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 99)'])).toEqual({
      MESSAGES: 3,
      UIDNEXT: 4,
      UIDVALIDITY: 99,
    });
    expect(parseCapabilities(['* OK [CAPABILITY IMAP4rev1 STARTTLS] ready'])).toEqual([
      'IMAP4REV1',
      'STARTTLS',
    ]);
  });
});
