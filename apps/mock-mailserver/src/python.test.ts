import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from './index.js';
import { available, run } from './test-support/run.js';

// Python's standard library as a real client: smtplib and poplib. python3 ships with Debian.
const hasPython = available('python3');
if (!hasPython && process.env.CI) throw new Error('python3 is not installed; CI runs the real-client tests');

let mock: MockMailServer;
beforeEach(async () => {
  mock = await startMockMailServer({ httpPort: false, users: { 'ann@example.org': 'secret' } });
});
afterEach(() => mock.close());

async function python(script: string) {
  const result = await run('python3', ['-c', script]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

const SEND = (connect: string, password = 'secret') => `
import smtplib, ssl
from email.message import EmailMessage
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
msg = EmailMessage(); msg['From'] = 'py@example.org'; msg['To'] = 'ann@example.org'; msg['Subject'] = 'from python'
msg.set_content('Your code is 246810')
try:
    ${connect}
    s.login('ann@example.org', '${password}')
    s.send_message(msg)
    s.quit()
    print('sent')
except smtplib.SMTPAuthenticationError as e:
    print('auth', e.smtp_code)
`;

describe.skipIf(!hasPython)('Python smtplib and poplib', () => {
  it('sends over plain SMTP', async () => {
    expect(await python(SEND(`s = smtplib.SMTP('127.0.0.1', ${mock.smtpPort})`))).toBe('sent');
    expect(mock.messages()[0]).toMatchObject({
      subject: 'from python',
      secure: false,
      authUser: 'ann@example.org',
    });
  });

  it('sends with STARTTLS', async () => {
    const connect = `s = smtplib.SMTP('127.0.0.1', ${mock.smtpPort}); s.starttls(context=ctx)`;
    expect(await python(SEND(connect))).toBe('sent');
    expect(mock.messages()[0]).toMatchObject({ secure: true });
  });

  it('sends over implicit TLS', async () => {
    expect(await python(SEND(`s = smtplib.SMTP_SSL('127.0.0.1', ${mock.smtpsPort}, context=ctx)`))).toBe(
      'sent',
    );
    expect(mock.messages()[0]).toMatchObject({ secure: true });
  });

  it('gets 535 for a wrong password', async () => {
    expect(await python(SEND(`s = smtplib.SMTP('127.0.0.1', ${mock.smtpPort})`, 'wrong'))).toBe('auth 535');
    expect(mock.messages()).toHaveLength(0);
  });

  it('reads and deletes the mail with poplib over STLS', async () => {
    await python(SEND(`s = smtplib.SMTP('127.0.0.1', ${mock.smtpPort})`));
    const out = await python(`
import poplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3('127.0.0.1', ${mock.pop3Port})
p.stls(context=ctx)
p.user('ann@example.org'); p.pass_('secret')
count, size = p.stat()
resp, lines, octets = p.retr(1)
uid = p.uidl(1).decode().split()[2]
p.dele(1)
p.quit()
print(count, b'Subject: from python' in lines, uid)
`);
    const id = out.split(' ')[2];
    expect(out).toMatch(/^1 True \w+$/);
    expect(mock.message(id!)).toBeUndefined();
    expect(mock.messages()).toHaveLength(0);
  });

  it('poplib gets an error for a wrong password', async () => {
    const out = await python(`
import poplib
p = poplib.POP3('127.0.0.1', ${mock.pop3Port})
p.user('ann@example.org')
try:
    p.pass_('wrong')
    print('in')
except poplib.error_proto as e:
    print('refused', e)
`);
    expect(out).toMatch(/^refused .*invalid username or password/);
  });
});
