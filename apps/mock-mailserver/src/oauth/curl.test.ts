import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { deliver } from '../test-support/imap.js';
import { signIn, type Tokens } from '../test-support/oauth.js';
import { available, run } from '../test-support/run.js';

// curl's --oauth2-bearer: a real client's OAUTHBEARER and XOAUTH2 against the mock's tokens,
// on IMAP, POP3 and SMTP.
const hasCurl = available('curl');
if (!hasCurl && process.env.CI) throw new Error('curl is not installed; CI runs the real-client tests');

const ANN = 'ann@oauth.mock.test';
let mock: MockMailServer;
let tokens: Tokens;

beforeEach(async () => {
  mock = await startMockMailServer({
    smtpsPort: false,
    imapsPort: false,
    oauth: { domains: ['oauth.mock.test'] },
  });
  tokens = await signIn(mock, ANN);
  await deliver(mock, ANN, 'Welcome', { text: 'Your code is 246810\n' });
});
afterEach(async () => {
  await mock.close();
});

const curl = (url: string, token: string, ...args: string[]) =>
  run('curl', ['-sS', '--user', ANN, '--oauth2-bearer', token, ...args, url]);

describe.skipIf(!hasCurl)('curl --oauth2-bearer', () => {
  for (const mechanism of ['OAUTHBEARER', 'XOAUTH2']) {
    it(`reads mail over IMAP and POP3 with AUTH=${mechanism}`, async () => {
      const options = ['--login-options', `AUTH=${mechanism}`];
      const imap = await curl(
        `imap://127.0.0.1:${mock.imapPort}/INBOX;UID=${mock.messages()[0]!.uid}`,
        tokens.access_token,
        ...options,
      );
      expect(imap.code, imap.stderr).toBe(0);
      expect(imap.stdout).toContain('Your code is 246810');
      const pop3 = await curl(`pop3://127.0.0.1:${mock.pop3Port}/1`, tokens.access_token, ...options);
      expect(pop3.code, pop3.stderr).toBe(0);
      expect(pop3.stdout).toContain('Your code is 246810');
    });
  }

  it('sends over SMTP, and is refused with a revoked token', async () => {
    const send = (token: string) =>
      run(
        'curl',
        [
          '-sS',
          `smtp://127.0.0.1:${mock.smtpPort}`,
          '--user',
          ANN,
          '--oauth2-bearer',
          token,
          '--mail-from',
          ANN,
          '--mail-rcpt',
          'bob@example.org',
          '--upload-file',
          '-',
        ],
        { input: `From: ${ANN}\r\nTo: bob@example.org\r\nSubject: curl oauth\r\n\r\nhi\r\n` },
      );
    const sent = await send(tokens.access_token);
    expect(sent.code, sent.stderr).toBe(0);
    expect(mock.messages({ to: 'bob@example.org' })[0]).toMatchObject({
      subject: 'curl oauth',
      authUser: ANN,
    });

    mock.oauth.revoke({ identity: ANN });
    const refused = await send(tokens.access_token);
    expect(refused.code).toBe(67); // CURLE_LOGIN_DENIED
    const imap = await curl(`imap://127.0.0.1:${mock.imapPort}/INBOX`, tokens.access_token);
    expect(imap.code).toBe(67);
  });
});
