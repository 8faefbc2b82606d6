import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { deliver } from '../test-support/imap.js';
import { available, run } from '../test-support/run.js';

// mbsync (Debian package isync) as a real mail client in batch mode: it mirrors the mock's INBOX
// into a Maildir (reading every message), pushes flags set in the Maildir (\Flagged, \Seen,
// \Deleted then CLOSE to expunge) and pulls flags and deletions made on the server.
const hasMbsync = available('mbsync', '--version');
if (!hasMbsync && process.env.CI) throw new Error('mbsync is not installed; CI runs the real-client tests');

let mock: MockMailServer;
let dir: string;
beforeEach(async () => {
  mock = await startMockMailServer({
    smtpsPort: false,
    pop3Port: false,
    users: { 'ann@example.org': 'secret' },
  });
  dir = await mkdtemp(join(tmpdir(), 'mock-mbsync-'));
  await writeFile(join(dir, 'mock.pem'), mock.certificate);
  await mkdir(join(dir, 'mail'));
  await deliver(mock, 'ann@example.org', 'Order 1001');
  await deliver(mock, 'ann+shop@example.org', 'Welcome', { text: 'Your code is 246810\n' });
  await deliver(mock, 'bob@example.org', 'Not for ann');
});
afterEach(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * One mbsync run (-a: every channel) with a written config: STARTTLS on the plain port or
 * implicit TLS on the IMAPS port, the mock's own certificate trusted.
 */
async function mbsync(tls: 'STARTTLS' | 'IMAPS') {
  const rc = join(dir, 'mbsyncrc');
  await writeFile(
    rc,
    [
      'IMAPAccount mock',
      'Host 127.0.0.1',
      `Port ${tls === 'IMAPS' ? mock.imapsPort : mock.imapPort}`,
      'User ann@example.org',
      'Pass secret',
      `SSLType ${tls}`,
      `CertificateFile ${join(dir, 'mock.pem')}`,
      '',
      'IMAPStore remote',
      'Account mock',
      '',
      'MaildirStore local',
      `Path ${join(dir, 'mail')}/`,
      `Inbox ${join(dir, 'mail', 'INBOX')}`,
      '',
      'Channel ann',
      'Far :remote:',
      'Near :local:',
      'Patterns INBOX',
      'Create Near',
      'Expunge Both',
      'SyncState *',
      'Sync All',
      '',
    ].join('\n'),
  );
  const result = await run('mbsync', ['-c', rc, '-Dn', '-a'], { timeoutMs: 20_000 });
  // -Dn traces the protocol: ">>> 7 UID FETCH 1:2 (UID FLAGS)".
  const sent = [...result.stdout.matchAll(/^>>> \d+ (.*)$/gm)].map((m) => m[1]!);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return sent;
}

/** The Maildir's messages: file name, Maildir flags (after ":2,") and Subject. */
async function maildir() {
  const out: Array<{ path: string; flags: string; subject: string }> = [];
  for (const sub of ['new', 'cur']) {
    const folder = join(dir, 'mail', 'INBOX', sub);
    for (const name of await readdir(folder).catch(() => [])) {
      const path = join(folder, name);
      const subject = /^Subject: (.*)$/m.exec(await readFile(path, 'utf8'))?.[1] ?? '';
      out.push({ path, flags: name.split(':2,')[1] ?? '', subject });
    }
  }
  return out.sort((a, b) => a.subject.localeCompare(b.subject));
}

/** Sets a message's Maildir flags, as a mail client reading the Maildir would. */
async function setFlags(path: string, flags: string) {
  const name = path.split('/').at(-1)!.split(':2,')[0]!;
  await rename(path, join(dir, 'mail', 'INBOX', 'cur', `${name}:2,${flags}`));
}

describe.skipIf(!hasMbsync)('mbsync', () => {
  it('mirrors the INBOX over STARTTLS without marking it seen, and pushes flags set locally', async () => {
    const sent = await mbsync('STARTTLS');
    expect(sent).toEqual(
      expect.arrayContaining([
        'STARTTLS',
        'SELECT "INBOX"',
        expect.stringMatching(/^UID FETCH 1:\d+ \(UID FLAGS\)$/),
        'UID FETCH 1 (BODY.PEEK[])',
      ]),
    );
    const local = await maildir();
    expect(local.map((m) => [m.subject, m.flags])).toEqual([
      ['Order 1001', ''],
      ['Welcome', ''],
    ]);
    expect(await readFile(local[1]!.path, 'utf8')).toContain('Your code is 246810');
    expect(mock.messages({ to: 'ann@example.org' }).every((m) => !m.read)).toBe(true);

    await setFlags(local[1]!.path, 'FS');
    const pushed = await mbsync('STARTTLS');
    expect(pushed).toContain('UID STORE 2 +FLAGS.SILENT (\\Flagged \\Seen)');
    expect(mock.messages({ subject: 'Welcome' })[0]).toMatchObject({ read: true, flags: ['\\Flagged'] });
  });

  it('deletes over implicit TLS what was trashed locally, and pulls flags and deletions made on the server', async () => {
    await mbsync('IMAPS');
    const [order] = await maildir();
    await setFlags(order!.path, 'T');
    const sent = await mbsync('IMAPS');
    expect(sent).toEqual(expect.arrayContaining(['UID STORE 1 +FLAGS.SILENT (\\Deleted)', 'CLOSE']));
    expect(mock.messages({ to: 'ann@example.org' }).map((m) => m.subject)).toEqual(['Welcome']);
    expect((await maildir()).map((m) => m.subject)).toEqual(['Welcome']);

    // Changes on the server side: new mail read over the Mailpit API, and a message deleted.
    await deliver(mock, 'ann@example.org', 'Later');
    const later = mock.messages({ subject: 'Later' })[0]!;
    const put = await fetch(`${mock.httpUrl}/api/v1/messages`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [later.id], Read: true }),
    });
    expect(put.status).toBe(200);
    mock.deleteMessages({ subject: 'Welcome' });
    await mbsync('IMAPS');
    expect((await maildir()).map((m) => [m.subject, m.flags])).toEqual([['Later', 'S']]);
  });
});
