import nodemailer from 'nodemailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { smtpSession } from '../test-support/line-client.js';

let mock: MockMailServer;
afterEach(() => mock?.close());

function transport(options: SMTPTransportOptions) {
  return nodemailer.createTransport({ host: '127.0.0.1', tls: { rejectUnauthorized: false }, ...options });
}

describe('SMTP with nodemailer', () => {
  beforeEach(async () => {
    mock = await startMockMailServer({ httpPort: false, pop3Port: false });
  });

  it('stores a message with its envelope, parts, headers and attachments', async () => {
    const info = await transport({ port: mock.smtpPort, ignoreTLS: true }).sendMail({
      from: 'Sender <sender@example.org>',
      to: 'Alice <alice@example.org>',
      cc: 'carol@example.org',
      bcc: 'hidden@example.org',
      subject: 'Größe ✓',
      text: 'Plain body',
      html: '<p>HTML <b>body</b></p>',
      headers: { 'X-Test-Run': 'abc' },
      attachments: [{ filename: 'notes.txt', content: 'attachment text' }],
    });
    expect(info.response).toMatch(/^250 OK: queued as \w+/);

    const [message] = mock.messages();
    expect(message).toMatchObject({
      transport: 'smtp',
      envelope: {
        mailFrom: 'sender@example.org',
        rcptTo: ['alice@example.org', 'carol@example.org', 'hidden@example.org'],
      },
      authUser: null,
      secure: false,
      subject: 'Größe ✓',
      from: { name: 'Sender', address: 'sender@example.org' },
      to: [{ name: 'Alice', address: 'alice@example.org' }],
      cc: [{ name: '', address: 'carol@example.org' }],
      text: 'Plain body',
      html: '<p>HTML <b>body</b></p>',
      messageId: info.messageId,
      attachments: [{ index: 0, filename: 'notes.txt', contentType: 'text/plain', size: 15 }],
    });
    expect(message!.headers['x-test-run']).toBe('abc');
    expect(message!.headers.bcc).toBeUndefined();
    const raw = await mock.raw(message!.id);
    expect(raw!.length).toBe(message!.size);
    expect(raw!.toString()).toContain('X-Test-Run: abc');
  });

  it('upgrades with STARTTLS and marks the message secure', async () => {
    await transport({ port: mock.smtpPort, requireTLS: true, name: 'client.example.org' }).sendMail({
      from: 'a@example.org',
      to: 'b@example.org',
      subject: 'starttls',
      text: 'x',
    });
    const [message] = mock.messages();
    expect(message).toMatchObject({ subject: 'starttls', secure: true });
    // The session's facts the web page shows: HELO name, TLS version and cipher, RFC 3848 type.
    expect(message!.smtp).toMatchObject({
      helo: 'client.example.org',
      tlsVersion: expect.stringMatching(/^TLSv1\.[23]$/),
      tlsCipher: expect.stringMatching(/^TLS_/),
      transmission: 'ESMTPS',
    });
  });

  it('records a plain, authenticated session as ESMTPA without TLS facts', async () => {
    await transport({ port: mock.smtpPort, ignoreTLS: true, auth: { user: 'ann', pass: 'pw' } }).sendMail({
      from: 'a@example.org',
      to: 'b@example.org',
      text: 'x',
    });
    expect(mock.messages()[0]!.smtp).toMatchObject({
      tlsVersion: null,
      tlsCipher: null,
      transmission: 'ESMTPA',
    });
  });

  it('accepts implicit TLS on the SMTPS port', async () => {
    await transport({ port: mock.smtpsPort, secure: true }).sendMail({
      from: 'a@example.org',
      to: 'b@example.org',
      subject: 'smtps',
      text: 'x',
    });
    expect(mock.messages()[0]).toMatchObject({ subject: 'smtps', secure: true });
  });

  it.each([
    ['PLAIN', { user: 'ann', pass: 'pw' }],
    ['LOGIN', { user: 'ann', pass: 'pw' }],
    ['CRAM-MD5', { user: 'ann', pass: 'pw' }],
    ['XOAUTH2', { type: 'OAuth2', user: 'ann', accessToken: 'pw' }],
  ])('accepts any credentials with AUTH %s and records the user', async (method, auth) => {
    await transport({ port: mock.smtpPort, ignoreTLS: true, authMethod: method, auth }).sendMail({
      from: 'a@example.org',
      to: 'b@example.org',
      subject: method,
      text: 'x',
    });
    expect(mock.messages({ user: 'ann' })[0]).toMatchObject({ subject: method, authUser: 'ann' });
  });

  it('refuses a message over the SIZE limit with 552', async () => {
    await mock.close();
    mock = await startMockMailServer({ httpPort: false, pop3Port: false, maxMessageSize: 1000 });
    const client = await smtpSession(mock.smtpPort);
    expect(await client.smtp('MAIL FROM:<a@example.org> SIZE=5000')).toMatch(/^552 /);
    await client.smtp('RSET');
    await client.smtp('MAIL FROM:<a@example.org>');
    await client.smtp('RCPT TO:<b@example.org>');
    expect(await client.smtp('DATA')).toMatch(/^354/);
    expect(await client.smtp(`Subject: big\r\n\r\n${'x'.repeat(2000)}\r\n.`)).toMatch(/^552 /);
    client.close();
    expect(mock.messages()).toHaveLength(0);
  });

  it('advertises SIZE, STARTTLS and the four AUTH mechanisms', async () => {
    const client = await smtpSession(mock.smtpPort);
    const ehlo = await client.smtp('EHLO again.local');
    expect(ehlo).toContain('SIZE 26214400');
    expect(ehlo).toContain('STARTTLS');
    expect(ehlo).toMatch(/AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2/);
    client.close();
  });
});

describe('SMTP with a user list', () => {
  beforeEach(async () => {
    mock = await startMockMailServer({
      httpPort: false,
      pop3Port: false,
      users: { ann: 'right' },
    });
  });

  it.each([
    ['PLAIN', { user: 'ann', pass: 'right' }],
    ['LOGIN', { user: 'ann', pass: 'right' }],
    ['CRAM-MD5', { user: 'ann', pass: 'right' }],
    ['XOAUTH2', { type: 'OAuth2', user: 'ann', accessToken: 'right' }],
  ])('lets the listed user in with AUTH %s', async (method, auth) => {
    await transport({ port: mock.smtpPort, ignoreTLS: true, authMethod: method, auth }).sendMail({
      from: 'a@example.org',
      to: 'b@example.org',
      subject: 'ok',
      text: 'x',
    });
    expect(mock.messages()[0]?.authUser).toBe('ann');
  });

  it.each([
    ['PLAIN', { user: 'ann', pass: 'wrong' }],
    ['LOGIN', { user: 'bob', pass: 'right' }],
    ['CRAM-MD5', { user: 'ann', pass: 'wrong' }],
    ['XOAUTH2', { type: 'OAuth2', user: 'ann', accessToken: 'wrong' }],
  ])('answers 535 to wrong credentials with AUTH %s', async (method, auth) => {
    const error = await transport({ port: mock.smtpPort, ignoreTLS: true, authMethod: method, auth })
      .sendMail({ from: 'a@example.org', to: 'b@example.org', subject: 'no', text: 'x' })
      .catch((e: { responseCode?: number; code?: string }) => e);
    expect(error).toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect(mock.messages()).toHaveLength(0);
  });
});

describe('SMTP with authRequired', () => {
  it('refuses MAIL FROM before AUTH with 530', async () => {
    mock = await startMockMailServer({ httpPort: false, pop3Port: false, authRequired: true });
    const client = await smtpSession(mock.smtpPort);
    expect(await client.smtp('MAIL FROM:<a@example.org>')).toMatch(/^530 /);
    client.close();
  });
});
