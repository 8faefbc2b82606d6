import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { deliver } from '../test-support/imap.js';
import { available, run } from '../test-support/run.js';

// mutt (Debian package mutt) as a real mail client in batch mode: keys pushed from its muttrc,
// on a terminal that `script` (util-linux) gives it. It searches on the server (`=b`, `=h` are
// IMAP SEARCH), reads (pipes a message out), flags and deletes. Plain IMAP: Debian's mutt asks
// on the terminal before it trusts a self-signed certificate; TLS is covered by mbsync, curl,
// fetchmail and imaplib.
const hasMutt = available('mutt', '-v') && available('script', '--version');
if (!hasMutt && process.env.CI) throw new Error('mutt is not installed; CI runs the real-client tests');

let mock: MockMailServer;
let dir: string;
beforeEach(async () => {
  mock = await startMockMailServer({
    httpPort: false,
    smtpsPort: false,
    pop3Port: false,
    users: { 'ann@example.org': 'secret' },
  });
  dir = await mkdtemp(join(tmpdir(), 'mock-mutt-'));
  await deliver(mock, 'ann@example.org', 'Order 1001');
  await deliver(mock, 'ann+shop@example.org', 'Welcome', { text: 'Your code is 246810\n' });
  await deliver(mock, 'ann@example.org', 'Order 1002');
  await deliver(mock, 'bob@example.org', 'Not for ann');
});
afterEach(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs mutt once on the INBOX with `keys` pushed; returns the IMAP commands it sent. */
async function mutt(keys: string): Promise<string[]> {
  const rc = join(dir, 'muttrc');
  await writeFile(
    rc,
    [
      `set folder="imap://ann%40example.org@127.0.0.1:${mock.imapPort}/"`,
      'set spoolfile="+INBOX"',
      'set imap_pass="secret"',
      'set ssl_starttls=no',
      'set ssl_force_tls=no',
      'set header_cache=""',
      'set message_cachedir=""',
      'set mark_old=no',
      'set wait_key=no',
      'set delete=yes',
      'set quit=yes',
      'set move=no',
      `push "${keys}"`,
      '',
    ].join('\n'),
  );
  // HOME holds mutt's debug log (~/.muttdebug0), which traces the protocol at -d 2.
  const result = await run('script', ['-qec', `mutt -n -F ${rc} -d 2`, '/dev/null'], {
    timeoutMs: 20_000,
    env: { ...process.env, HOME: dir, TERM: 'dumb' },
  });
  expect(result.code, result.stdout + result.stderr).toBe(0);
  const log = await readFile(join(dir, '.muttdebug0'), 'utf8');
  return [...log.matchAll(/\d> a\d+ (.*)$/gm)].map((m) => m[1]!);
}

describe.skipIf(!hasMutt)('mutt', () => {
  it('searches on the server, reads what it found and flags it', async () => {
    const out = join(dir, 'read.eml');
    const sent = await mutt(
      `<limit>=b 246810<enter><tag-pattern>~A<enter><tag-prefix><pipe-message>cat > ${out}<enter><tag-prefix><flag-message><sync-mailbox><quit>`,
    );
    const welcome = mock.messages({ subject: 'Welcome' })[0]!;
    expect(sent).toEqual(
      expect.arrayContaining([
        'UID SEARCH BODY "246810"',
        `UID STORE ${welcome.uid} +FLAGS.SILENT (\\Flagged)`,
      ]),
    );
    expect(await readFile(out, 'utf8')).toContain('Your code is 246810');
    // Piping reads with BODY.PEEK, so it stays unread.
    expect(mock.messages({ to: 'ann@example.org' }).map((m) => [m.subject, m.read, m.flags])).toEqual([
      ['Order 1002', false, []],
      ['Welcome', false, ['\\Flagged']],
      ['Order 1001', false, []],
    ]);
  });

  it('deletes what a header search found: \\Deleted, EXPUNGE, gone from the mock', async () => {
    const sent = await mutt("<delete-pattern>=h 'Subject: Order'<enter><sync-mailbox><quit>");
    expect(sent).toEqual(expect.arrayContaining(['UID SEARCH HEADER "Subject" "Order"', 'EXPUNGE']));
    expect(mock.messages().map((m) => m.subject)).toEqual(['Not for ann', 'Welcome']);
  });
});
