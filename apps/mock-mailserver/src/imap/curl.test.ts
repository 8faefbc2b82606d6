import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { deliver } from '../test-support/imap.js';
import { available, run } from '../test-support/run.js';

// curl speaks imap:// (with --ssl-reqd for STARTTLS) and imaps://. Debian's curl has both.
const hasCurl = available('curl');
if (!hasCurl && process.env.CI) throw new Error('curl is not installed; CI runs the real-client tests');

let mock: MockMailServer;
let dir: string;
let cacert: string;
beforeEach(async () => {
  mock = await startMockMailServer({ httpPort: false, smtpsPort: false, pop3Port: false });
  dir = await mkdtemp(join(tmpdir(), 'mock-curl-'));
  // The mock's own certificate as the CA: it names 127.0.0.1, so curl can verify it.
  cacert = join(dir, 'mock.pem');
  await writeFile(cacert, mock.certificate);
  await deliver(mock, 'ann@example.org', 'Order 1001', { text: 'order body\n' });
  await deliver(mock, 'ann@example.org', 'Welcome', { text: 'Your code is 246810\n' });
});
afterEach(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

async function curl(url: string, ...args: string[]) {
  const result = await run('curl', ['-sS', '--user', 'ann@example.org:any', ...args, url]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

describe.skipIf(!hasCurl)('curl imap:// and imaps://', () => {
  it('lists, searches, reads, flags and deletes', async () => {
    const plain = `imap://127.0.0.1:${mock.imapPort}`;
    const tls = `imaps://127.0.0.1:${mock.imapsPort}`;
    const [welcome, order] = mock.messages();
    expect(await curl(`${plain}/`)).toBe('* LIST (\\HasNoChildren) "/" "INBOX"\r\n');
    expect(await curl(`${plain}/INBOX?SUBJECT%20welcome`)).toBe('* SEARCH 2\r\n');

    // STARTTLS, verified against the mock's certificate; BODY[] marks the message read.
    const source = await curl(`${plain}/INBOX;UID=${welcome!.uid}`, '--ssl-reqd', '--cacert', cacert);
    expect(Buffer.from(source).equals((await mock.raw(welcome!.id))!)).toBe(true);
    expect(mock.message(welcome!.id)!.read).toBe(true);
    expect(await curl(`${tls}/INBOX;UID=${order!.uid};SECTION=TEXT`, '--cacert', cacert)).toBe(
      'order body\r\n',
    );

    expect(await curl(`${tls}/INBOX`, '-k', '-X', 'STORE 1 +FLAGS (\\Flagged \\Deleted)')).toBe(
      '* 1 FETCH (FLAGS (\\Seen \\Flagged \\Deleted))\r\n',
    );
    expect(await curl(`${tls}/INBOX`, '-k', '-X', 'EXPUNGE')).toBe('* 1 EXPUNGE\r\n');
    expect(mock.messages().map((m) => m.subject)).toEqual(['Welcome']);
    expect(await curl(`${plain}/INBOX`, '-X', 'FETCH 1:* (UID FLAGS)')).toBe(
      `* 1 FETCH (UID ${welcome!.uid} FLAGS (\\Seen))\r\n`,
    );
  });
});
