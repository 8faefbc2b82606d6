import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { deliver } from '../test-support/imap.js';
import { available, run } from '../test-support/run.js';

// fetchmail (Debian package fetchmail) as a real mail client in batch mode: it searches for
// unseen mail, fetches it, flags it \Seen (keep) or \Deleted and expunges it (nokeep).
const hasFetchmail = available('fetchmail');
if (!hasFetchmail && process.env.CI)
  throw new Error('fetchmail is not installed; CI runs the real-client tests');

let mock: MockMailServer;
let dir: string;
beforeEach(async () => {
  mock = await startMockMailServer({
    httpPort: false,
    smtpsPort: false,
    pop3Port: false,
    users: { 'ann@example.org': 'secret' },
  });
  dir = await mkdtemp(join(tmpdir(), 'mock-fetchmail-'));
  await chmod(dir, 0o700);
  await writeFile(join(dir, 'mock.pem'), mock.certificate);
  await deliver(mock, 'ann@example.org', 'Order 1001');
  await deliver(mock, 'ann+shop@example.org', 'Welcome', { text: 'Your code is 246810\n' });
  await deliver(mock, 'bob@example.org', 'Not for ann');
});
afterEach(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs fetchmail once (no daemon) with a generated rcfile; messages land in a BSMTP file.
 * `tls` is STARTTLS on the plain port or implicit TLS on the IMAPS port, the mock's
 * certificate checked either way (it names localhost).
 */
async function fetchmail(options: string, tls: 'starttls' | 'implicit') {
  const port = tls === 'implicit' ? mock.imapsPort : mock.imapPort;
  const rc = join(dir, 'fetchmailrc');
  await writeFile(
    rc,
    [
      'set no syslog',
      `poll 127.0.0.1 service ${port} protocol IMAP`,
      `  user "ann@example.org" there with password "secret" is "${userInfo().username}" here`,
      `  options ${options} ${tls === 'implicit' ? 'ssl' : 'sslproto tls1.2+'} sslcertck sslcertfile ${join(dir, 'mock.pem')} sslcommonname localhost`,
      `  bsmtp ${join(dir, 'out.bsmtp')}`,
      '',
    ].join('\n'),
  );
  await chmod(rc, 0o600); // fetchmail refuses an rcfile others can read
  const result = await run('fetchmail', ['--nodetach', '--verbose', '-f', rc], {
    timeoutMs: 20_000,
    env: { ...process.env, FETCHMAILHOME: dir },
  });
  // --verbose writes the protocol trace to stdout.
  const sent = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('fetchmail: IMAP> '))
    .map((line) => line.slice('fetchmail: IMAP> '.length).replace(/^A\d+ /, ''));
  return { ...result, sent };
}

const delivered = async () => {
  const out = await readFile(join(dir, 'out.bsmtp'), 'utf8').catch(() => '');
  return [...out.matchAll(/^Subject: (.*)$/gm)].map((m) => m[1]);
};

describe.skipIf(!hasFetchmail)('fetchmail', () => {
  it('fetches unseen mail over STARTTLS and marks it seen; the next run finds nothing new', async () => {
    const first = await fetchmail('keep', 'starttls');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.sent).toEqual(
      expect.arrayContaining([
        'STARTTLS',
        'SELECT "INBOX"',
        'SEARCH UNSEEN UNDELETED',
        'STORE 1 +FLAGS (\\Seen)',
      ]),
    );
    expect(await delivered()).toEqual(['Order 1001', 'Welcome']);
    expect(mock.messages({ to: 'ann@example.org' }).map((m) => m.read)).toEqual([true, true]);

    // fetchmail exits 1 when there is no mail.
    expect((await fetchmail('keep', 'starttls')).code).toBe(1);
    await deliver(mock, 'ann@example.org', 'Later');
    expect((await fetchmail('keep', 'starttls')).code).toBe(0);
    expect(await delivered()).toEqual(['Order 1001', 'Welcome', 'Later']);
  });

  it('deletes what it fetched over implicit TLS (nokeep): \\Deleted, EXPUNGE, gone from the mock', async () => {
    const result = await fetchmail('nokeep fetchall', 'implicit');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.sent).toEqual(
      expect.arrayContaining(['STORE 1 +FLAGS (\\Seen \\Deleted)', 'EXPUNGE', 'LOGOUT']),
    );
    expect(await delivered()).toEqual(['Order 1001', 'Welcome']);
    expect(mock.messages().map((m) => m.subject)).toEqual(['Not for ann']);
  });
});
