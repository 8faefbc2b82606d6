import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../cli-args.js';
import { type MockMailServer, startMockMailServer } from '../server.js';
import { closeClients, RawImap } from '../test-support/imap.js';
import { LineClient } from '../test-support/line-client.js';

// `oauth.mechanisms` narrows the bearer mechanisms SMTP, IMAP and POP3 advertise and accept, so a
// client's choice can be tested against a server that offers one (Microsoft 365 offers only XOAUTH2).

const ANN = 'ann@oauth.mock.test';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const xoauth2 = (token: string) => b64(`user=${ANN}\x01auth=Bearer ${token}\x01\x01`);
const oauthbearer = (token: string) =>
  b64(`n,a=${ANN},\x01host=127.0.0.1\x01port=25\x01auth=Bearer ${token}\x01\x01`);

let mock: MockMailServer;
afterEach(async () => {
  await closeClients();
  await mock?.close();
});

async function start(mechanisms: Array<'XOAUTH2' | 'OAUTHBEARER'>) {
  mock = await startMockMailServer({ oauth: { domains: ['oauth.mock.test'], mechanisms } });
  return mock.oauth.grant({ identity: ANN }).access_token;
}

describe('oauth.mechanisms', () => {
  it('XOAUTH2 only: none of SMTP, IMAP and POP3 advertises or takes OAUTHBEARER', async () => {
    const token = await start(['XOAUTH2']);
    expect(mock.oauth.summary()).toMatchObject({ mechanisms: ['XOAUTH2'] });

    const smtp = await LineClient.connect(mock.smtpPort);
    await smtp.smtpReply();
    expect(await smtp.smtp('EHLO test')).toMatch(/AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2\r?$/m);
    expect(await smtp.smtp(`AUTH OAUTHBEARER ${oauthbearer(token)}`)).toMatch(/^504 /);
    expect(await smtp.smtp(`AUTH XOAUTH2 ${xoauth2(token)}`)).toBe('235 2.7.0 Accepted');
    smtp.close();

    const imap = await RawImap.connect(mock.imapPort);
    await imap.greeting();
    const caps = (await imap.run('CAPABILITY')).join(' ');
    expect(caps).toContain('AUTH=XOAUTH2');
    expect(caps).not.toContain('AUTH=OAUTHBEARER');
    expect((await imap.run(`AUTHENTICATE OAUTHBEARER ${oauthbearer(token)}`)).at(-1)).toMatch(
      /^T2 NO \[CANNOT\]/,
    );
    expect((await imap.run(`AUTHENTICATE XOAUTH2 ${xoauth2(token)}`)).at(-1)).toMatch(/^T3 OK /);

    const pop3 = await LineClient.connect(mock.pop3Port);
    await pop3.line();
    pop3.write('CAPA\r\n');
    await pop3.line();
    expect(await pop3.multiline()).toContain('SASL PLAIN XOAUTH2');
    expect(await pop3.pop(`AUTH OAUTHBEARER ${oauthbearer(token)}`)).toMatch(/^-ERR unsupported mechanism/);
    expect(await pop3.pop(`AUTH XOAUTH2 ${xoauth2(token)}`)).toMatch(/^\+OK /);
    pop3.close();
  });

  it('OAUTHBEARER only: XOAUTH2 is refused; a bad token gets the RFC 7628 error, then -ERR after ^A', async () => {
    const token = await start(['OAUTHBEARER']);
    const smtp = await LineClient.connect(mock.smtpPort);
    await smtp.smtpReply();
    const ehlo = await smtp.smtp('EHLO test');
    expect(ehlo).toContain('AUTH PLAIN LOGIN CRAM-MD5 OAUTHBEARER');
    expect(ehlo).not.toContain('XOAUTH2');
    expect(await smtp.smtp(`AUTH XOAUTH2 ${xoauth2(token)}`)).toMatch(/^504 /);
    expect(await smtp.smtp(`AUTH OAUTHBEARER ${oauthbearer(token)}`)).toBe('235 2.7.0 Accepted');
    smtp.close();

    const pop3 = await LineClient.connect(mock.pop3Port);
    await pop3.line();
    expect(await pop3.pop(`AUTH XOAUTH2 ${xoauth2(token)}`)).toMatch(/^-ERR unsupported mechanism/);
    const challenge = await pop3.pop(`AUTH OAUTHBEARER ${oauthbearer('ya29.not-issued')}`);
    expect(challenge).toMatch(/^\+ /);
    expect(JSON.parse(Buffer.from(challenge.slice(2), 'base64').toString())).toMatchObject({
      status: 'invalid_token',
    });
    expect(await pop3.pop('AQ==')).toBe('-ERR [AUTH] Invalid credentials.');
    expect(await pop3.pop(`AUTH OAUTHBEARER ${oauthbearer(token)}`)).toMatch(/^\+OK /);
    pop3.close();
  });

  it('is set from the command line with --oauth-mechanisms', () => {
    expect(parseCli(['--oauth-mechanisms', 'xoauth2'])).toMatchObject({
      options: { oauth: { mechanisms: ['XOAUTH2'] } },
    });
    expect(() => parseCli(['--oauth-mechanisms', 'PLAIN'])).toThrow(/--oauth-mechanisms: expected/);
  });
});
