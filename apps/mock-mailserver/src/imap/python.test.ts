import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { deliver } from '../test-support/imap.js';
import { available, run } from '../test-support/run.js';

// Python's imaplib as a real IMAP client. python3 ships with Debian.
const hasPython = available('python3');
if (!hasPython && process.env.CI) throw new Error('python3 is not installed; CI runs the real-client tests');

let mock: MockMailServer;
beforeEach(async () => {
  mock = await startMockMailServer({
    httpPort: false,
    smtpsPort: false,
    users: { 'ann@example.org': 'secret' },
  });
  await deliver(mock, 'ann@example.org', 'Order 1001', { from: 'Shop <shop@example.net>' });
  await deliver(mock, 'ann@example.org', 'Welcome', { text: 'Your code is 246810\n' });
});
afterEach(() => mock.close());

async function python(script: string) {
  const result = await run('python3', ['-c', script]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim().split('\n');
}

const TLS = `
import imaplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
`;

describe.skipIf(!hasPython)('Python imaplib', () => {
  it('reads, searches, flags and deletes over STARTTLS', async () => {
    const out = await python(`${TLS}
M = imaplib.IMAP4('127.0.0.1', ${mock.imapPort})
M.starttls(ssl_context=ctx)
M.login('ann@example.org', 'secret')
typ, data = M.select('INBOX')
print('exists', data[0].decode())
typ, data = M.search(None, 'FROM', '"shop@example.net"')
print('from', data[0].decode())
typ, data = M.uid('SEARCH', None, 'SUBJECT', 'Welcome')
uid = data[0].decode()
typ, data = M.uid('FETCH', uid, '(BODY.PEEK[])')
print('code', b'Your code is 246810' in data[0][1])
M.store('1', '+FLAGS', '(\\\\Flagged)')
M.uid('STORE', uid, '+FLAGS', '(\\\\Seen)')
typ, data = M.search(None, 'UNSEEN')
print('unseen', data[0].decode())
typ, data = M.search(None, 'FLAGGED')
print('flagged', data[0].decode())
M.store('1', '+FLAGS', '(\\\\Deleted)')
typ, data = M.expunge()
print('expunged', data[0].decode())
M.logout()
`);
    expect(out).toEqual(['exists 2', 'from 1', 'code True', 'unseen 1', 'flagged 1', 'expunged 1']);
    expect(mock.messages().map((m) => [m.subject, m.read])).toEqual([['Welcome', true]]);
  });

  it('reads over implicit TLS, appends, and is refused a wrong password', async () => {
    const out = await python(`${TLS}
M = imaplib.IMAP4_SSL('127.0.0.1', ${mock.imapsPort}, ssl_context=ctx)
try:
    M.login('ann@example.org', 'wrong')
except imaplib.IMAP4.error as e:
    print('refused', e)
M.login('ann@example.org', 'secret')
typ, data = M.append('INBOX', '(\\\\Seen)', imaplib.Time2Internaldate(1767225600), b'Subject: from python\\r\\n\\r\\nhello\\r\\n')
print('append', typ)
M.select('INBOX', readonly=True)
typ, data = M.fetch('3', '(FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
print(data[0][0].decode())
print(data[0][1].decode().strip())
M.logout()
`);
    expect(out[0]).toBe("refused b'[AUTHENTICATIONFAILED] Invalid credentials'");
    expect(out[1]).toBe('append OK');
    expect(out[2]).toMatch(
      /^3 \(FLAGS \(\\Seen\) INTERNALDATE " 1-Jan-2026 00:00:00 \+0000" BODY\[HEADER.FIELDS \(SUBJECT\)\] \{24\}$/,
    );
    expect(out[3]).toBe('Subject: from python');
    expect(mock.messages({ subject: 'from python' })[0]).toMatchObject({ transport: 'imap', read: true });
  });
});
