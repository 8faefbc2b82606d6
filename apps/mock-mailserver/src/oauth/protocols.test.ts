import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../server.js';
import { closeClients, deliver, imapflow, RawImap } from '../test-support/imap.js';
import { LineClient } from '../test-support/line-client.js';
import { signIn, type Tokens, testClock, tokenRequest } from '../test-support/oauth.js';

// With OAuth on for oauth.mock.test, SMTP, IMAP and POP3 take only the mock's own tokens for
// that domain, and answer a bad one as Gmail does; other domains keep their passwords.

const ANN = 'ann@oauth.mock.test';
const GMAIL_401 = { status: '401', schemes: 'Bearer', scope: 'https://mail.google.com/' };

let mock: MockMailServer;
let clock: ReturnType<typeof testClock>;
let tokens: Tokens;

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => JSON.parse(Buffer.from(s, 'base64').toString('utf8')) as unknown;
const xoauth2 = (user: string, token: string) => b64(`user=${user}\x01auth=Bearer ${token}\x01\x01`);
const oauthbearer = (user: string | null, token: string) =>
  b64(`n,${user ? `a=${user}` : ''},\x01host=127.0.0.1\x01port=25\x01auth=Bearer ${token}\x01\x01`);

beforeEach(async () => {
  clock = testClock();
  mock = await startMockMailServer({ oauth: { domains: ['oauth.mock.test'], clock: clock.read } });
  tokens = await signIn(mock, ANN);
});

afterEach(async () => {
  await closeClients();
  await mock.close();
});

const smtpTransport = (auth: Record<string, unknown>) =>
  nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true, auth } as never);

describe('SMTP with OAuth', () => {
  it('sends with nodemailer over XOAUTH2 using an issued token', async () => {
    await smtpTransport({ type: 'OAuth2', user: ANN, accessToken: tokens.access_token }).sendMail({
      from: ANN,
      to: 'bob@example.org',
      subject: 'via oauth',
      text: 'hello',
    });
    expect(mock.messages()[0]).toMatchObject({ subject: 'via oauth', authUser: ANN });
  });

  it('answers a revoked token with the Gmail 334 JSON, then 535 after the empty line', async () => {
    mock.oauth.revoke({ identity: ANN });
    const client = await LineClient.connect(mock.smtpPort);
    await client.smtpReply();
    await client.smtp('EHLO test');
    const challenge = await client.smtp(`AUTH XOAUTH2 ${xoauth2(ANN, tokens.access_token)}`);
    expect(challenge).toMatch(/^334 /);
    expect(unb64(challenge.slice(4))).toEqual(GMAIL_401);
    expect(await client.smtp('')).toMatch(/^535 5\.7\.8 Username and Password not accepted/);
    client.close();
  });

  it('refuses an expired token, a token of another identity, and an unknown one; nodemailer sees 535', async () => {
    const other = await signIn(mock, 'bob@oauth.mock.test');
    const refused = async (user: string, accessToken: string) =>
      smtpTransport({ type: 'OAuth2', user, accessToken })
        .sendMail({ from: user, to: 'x@example.org', subject: 'no', text: 'x' })
        .catch((e: { responseCode?: number; code?: string }) => e);
    expect(await refused(ANN, other.access_token)).toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect(await refused(ANN, 'ya29.made-up')).toMatchObject({ code: 'EAUTH', responseCode: 535 });
    clock.advance(3600);
    expect(await refused(ANN, tokens.access_token)).toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect(mock.messages()).toHaveLength(0);
  });

  it('takes OAUTHBEARER (RFC 7628), with the initial response or after 334, and its error form', async () => {
    const client = await LineClient.connect(mock.smtpPort);
    await client.smtpReply();
    expect(await client.smtp('EHLO test')).toContain('AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER');
    expect(await client.smtp('AUTH OAUTHBEARER')).toBe('334'); // `334 `, as the reader trims it
    expect(await client.smtp(oauthbearer(ANN, tokens.access_token))).toBe('235 2.7.0 Accepted');
    client.close();

    const stale = await LineClient.connect(mock.smtpPort);
    await stale.smtpReply();
    await stale.smtp('EHLO test');
    const challenge = await stale.smtp(`AUTH OAUTHBEARER ${oauthbearer(null, 'ya29.unknown')}`);
    expect(unb64(challenge.slice(4))).toEqual({
      status: 'invalid_token',
      scope: 'https://mail.google.com/',
      'openid-configuration': `${mock.httpUrl}/.well-known/openid-configuration`,
    });
    expect(await stale.smtp('AQ==')).toMatch(/^535 /);
    stale.close();
  });

  it('refuses a password for the OAuth domain as Gmail does, and keeps passwords elsewhere', async () => {
    const error = await smtpTransport({ user: ANN, pass: 'secret' })
      .sendMail({ from: ANN, to: 'x@example.org', subject: 'no', text: 'x' })
      .catch((e: { responseCode?: number; response?: string }) => e);
    expect(error).toMatchObject({ responseCode: 534 });
    expect((error as { response: string }).response).toContain(
      '5.7.9 Application-specific password required',
    );
    await smtpTransport({ user: 'app@example.org', pass: 'anything' }).sendMail({
      from: 'app@example.org',
      to: 'x@example.org',
      subject: 'password',
      text: 'x',
    });
    expect(mock.messages()[0]?.authUser).toBe('app@example.org');
  });
});

describe('IMAP with OAuth', () => {
  it('lets imapflow in with accessToken (OAUTHBEARER) and reads the identity’s mail', async () => {
    await deliver(mock, ANN, 'for ann');
    const client = imapflow(mock, ANN, { auth: { user: ANN, accessToken: tokens.access_token } });
    await client.connect();
    const box = await client.mailboxOpen('INBOX');
    expect(box.exists).toBe(1);
    const expired = imapflow(mock, ANN, { auth: { user: ANN, accessToken: 'ya29.nope' } });
    await expect(expired.connect()).rejects.toMatchObject({ authenticationFailed: true });
  });

  it('answers a bad XOAUTH2 token with + <base64 JSON>, then NO [AUTHENTICATIONFAILED]; LOGIN gets the app-password alert', async () => {
    const raw = await RawImap.connect(mock.imapPort);
    await raw.greeting();
    expect(await raw.run(`LOGIN ${ANN} secret`)).toEqual([
      'T1 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)',
    ]);
    mock.oauth.expireAccessTokens({ identity: ANN });
    raw.write(`A1 AUTHENTICATE XOAUTH2 ${xoauth2(ANN, tokens.access_token)}\r\n`);
    const challenge = await raw.line.line();
    expect(challenge).toMatch(/^\+ /);
    expect(unb64(challenge.slice(2))).toEqual(GMAIL_401);
    raw.write('\r\n');
    expect(await raw.until('A1')).toEqual(['A1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)']);

    const fresh = await signIn(mock, ANN);
    expect((await raw.run(`AUTHENTICATE XOAUTH2 ${xoauth2(ANN, fresh.access_token)}`)).at(-1)).toMatch(
      /^T2 OK /,
    );
  });
});

describe('POP3 with OAuth', () => {
  it('logs in with AUTH XOAUTH2 and refuses a revoked token the Gmail way', async () => {
    await deliver(mock, ANN, 'pop me');
    const client = await LineClient.connect(mock.pop3Port);
    await client.line();
    client.write('CAPA\r\n');
    expect(await client.line()).toBe('+OK capability list follows');
    expect(await client.multiline()).toContain('SASL PLAIN XOAUTH2 OAUTHBEARER');
    expect(await client.pop(`AUTH XOAUTH2 ${xoauth2(ANN, tokens.access_token)}`)).toBe(
      `+OK ${ANN} has 1 messages`,
    );
    client.close();

    mock.oauth.revoke({ identity: ANN });
    const again = await LineClient.connect(mock.pop3Port);
    await again.line();
    expect(await again.pop('AUTH XOAUTH2')).toBe('+ ');
    const challenge = await again.pop(xoauth2(ANN, tokens.access_token));
    expect(challenge).toMatch(/^\+ /);
    expect(unb64(challenge.slice(2))).toEqual(GMAIL_401);
    expect(await again.pop('')).toBe('-ERR [AUTH] Invalid credentials.');
    expect(await again.pop('USER ann@oauth.mock.test')).toBe('+OK send PASS');
    expect(await again.pop('PASS secret')).toMatch(/^-ERR \[AUTH\] Application-specific password required/);
    again.close();
  });

  it('logs in with AUTH OAUTHBEARER naming no user: the token names it', async () => {
    const client = await LineClient.connect(mock.pop3Port);
    await client.line();
    expect(await client.pop(`AUTH OAUTHBEARER ${oauthbearer(null, tokens.access_token)}`)).toBe(
      `+OK ${ANN} has 0 messages`,
    );
    client.close();
  });
});

describe('tokens made without the consent page', () => {
  it('mock.oauth.grant() gives a token SMTP takes, for that identity only', async () => {
    const { access_token: token } = mock.oauth.grant({ identity: 'eve@oauth.mock.test' });
    const client = await LineClient.connect(mock.smtpPort);
    await client.smtpReply();
    await client.smtp('EHLO test');
    expect(await client.smtp(`AUTH XOAUTH2 ${xoauth2('eve@oauth.mock.test', token)}`)).toBe(
      '235 2.7.0 Accepted',
    );
    client.close();
    expect(mock.oauth.grants({ identity: 'eve@oauth.mock.test' })).toMatchObject([
      { clientId: 'mock-client' },
    ]);
    expect(() => mock.oauth.grant({ identity: 'eve' })).toThrow(/email address/);
  });
});

describe('one scope per protocol, as Microsoft has them', () => {
  it('takes an SMTP.Send token on SMTP and refuses it on IMAP with insufficient scope', async () => {
    await mock.close();
    const scope = (name: string) => `https://outlook.office.com/${name}`;
    mock = await startMockMailServer({
      oauth: {
        mailScope: {
          smtp: scope('SMTP.Send'),
          imap: scope('IMAP.AccessAsUser.All'),
          pop3: scope('POP.AccessAsUser.All'),
        },
      },
    });
    expect(mock.oauth.summary()).toMatchObject({ mailScopes: { smtp: scope('SMTP.Send') } });
    const { access_token: token } = mock.oauth.grant({
      identity: ANN,
      scopes: [scope('SMTP.Send'), 'offline_access'],
    });
    await smtpTransport({ type: 'OAuth2', user: ANN, accessToken: token }).sendMail({
      from: ANN,
      to: 'bob@example.org',
      subject: 'microsoft style',
      text: 'x',
    });
    const raw = await RawImap.connect(mock.imapPort);
    await raw.greeting();
    raw.write(`A1 AUTHENTICATE OAUTHBEARER ${oauthbearer(ANN, token)}\r\n`);
    const challenge = await raw.line.line();
    expect(unb64(challenge.slice(2))).toMatchObject({
      status: 'insufficient_scope',
      scope: scope('IMAP.AccessAsUser.All'),
    });
    raw.write('AQ==\r\n');
    expect(await raw.until('A1')).toEqual(['A1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)']);
  });
});

describe('the mock log', () => {
  it('says what happened without a token or a code in it', async () => {
    await mock.close();
    const lines: string[] = [];
    mock = await startMockMailServer({
      oauth: { domains: ['oauth.mock.test'] },
      log: (line) => lines.push(line),
    });
    const mine = await signIn(mock, ANN);
    const refreshed = await tokenRequest(mock, {
      grant_type: 'refresh_token',
      refresh_token: mine.refresh_token,
      client_id: 'mailroom',
    });
    await smtpTransport({ type: 'OAuth2', user: ANN, accessToken: 'ya29.wrong' })
      .sendMail({ from: ANN, to: 'x@example.org', subject: 'no', text: 'x' })
      .catch(() => undefined);
    const log = lines.join('\n');
    expect(log).toContain('oauth: ann@oauth.mock.test approved mailroom');
    expect(log).toContain('smtp: XOAUTH2 token refused for "ann@oauth.mock.test": unknown token');
    for (const secret of [
      mine.access_token,
      mine.refresh_token,
      refreshed.body.refresh_token as string,
      'ya29.wrong',
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/code=|4\/[A-Za-z0-9_-]{20,}/);
  });
});

describe('OAuth for every login', () => {
  it('with oauth: true, a password is refused for any address', async () => {
    await mock.close();
    mock = await startMockMailServer({ oauth: true, httpPort: false });
    const raw = await RawImap.connect(mock.imapPort);
    await raw.greeting();
    expect((await raw.run('LOGIN someone@example.org x'))[0]).toMatch(
      /^T1 NO \[ALERT\] Application-specific/,
    );
  });
});
