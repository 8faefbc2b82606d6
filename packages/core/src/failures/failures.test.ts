import { describe, expect, it } from 'vitest';
import { classifyError, classifyReply } from '../connection/classify';
import { defaultHints } from '../connection/hints';
import { errorClasses } from '../schemas/connection';
import { classifyDeliveryError } from '../transport/classify';
import { httpReplyFailure, tokenReplyFailure } from './http';
import { failureTable, situationHints, temporaryNote } from './table';
import { tlsFailureText } from './tls';

/** An error as nodemailer's SMTP connection raises it (`_formatError`: code, originalCode, response, command). */
function nodemailerError(
  message: string,
  f: { code: string; originalCode?: string; response?: string; command?: string; [k: string]: unknown },
): Error {
  const responseCode = Number(/^\d+/.exec(f.response ?? '')?.[0]) || undefined;
  return Object.assign(new Error(f.response ? `${message}: ${f.response}` : message), {
    ...f,
    ...(responseCode ? { responseCode } : {}),
  });
}

/** A Node socket error (`connect ECONNREFUSED 127.0.0.1:1`). */
function nodeError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

/** imapflow's refusals: a tagged NO/BAD, and its AuthenticationFailure. */
function imapflowError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message ?? 'Command failed')), fields);
}

type Case = [name: string, err: Error, cls: string, flags?: { temporary?: boolean; accountLevel?: boolean }];

const cases: Case[] = [
  [
    'DNS failure (nodemailer EDNS around ENOTFOUND)',
    nodemailerError('getaddrinfo ENOTFOUND smtp.nowhere.example', {
      code: 'EDNS',
      originalCode: 'ENOTFOUND',
      hostname: 'smtp.nowhere.example',
      command: 'CONN',
    }),
    'dns',
    { temporary: true, accountLevel: true },
  ],
  [
    'refused port (ESOCKET around ECONNREFUSED)',
    nodemailerError('connect ECONNREFUSED 127.0.0.1:1', {
      code: 'ESOCKET',
      originalCode: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 1,
      command: 'CONN',
    }),
    'refused',
    { temporary: true, accountLevel: true },
  ],
  [
    'refused port (plain Node error)',
    nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'),
    'refused',
  ],
  [
    'connect timeout',
    nodemailerError('Connection timeout', {
      code: 'ETIMEDOUT',
      timeoutType: 'CONNECT_TIMEOUT',
      command: 'CONN',
    }),
    'timeout',
  ],
  [
    'no greeting (nodemailer, as the delivery thread hands it over: no timeoutType)',
    nodemailerError('Greeting never received', { code: 'ETIMEDOUT', command: 'CONN' }),
    'greeting',
    { temporary: true, accountLevel: true },
  ],
  [
    'no greeting (imapflow)',
    imapflowError({
      message: 'Failed to receive greeting from server in required time',
      code: 'GREETING_TIMEOUT',
    }),
    'greeting',
  ],
  [
    'TLS handshake timeout',
    nodemailerError('TLS handshake timed out', {
      code: 'ETIMEDOUT',
      timeoutType: 'UPGRADE_TIMEOUT',
      command: 'CONN',
    }),
    'tls',
  ],
  [
    'closed during the STARTTLS upgrade',
    nodemailerError('Connection closed unexpectedly', { code: 'ETLS', command: 'CONN' }),
    'tls',
  ],
  [
    'TLS to a plain port (socket gone before the handshake finished)',
    nodemailerError('Client network socket disconnected before secure TLS connection was established', {
      code: 'ESOCKET',
      originalCode: 'ECONNRESET',
      command: 'CONN',
    }),
    'tls',
  ],
  [
    'closed after connecting (ECONNECTION)',
    nodemailerError('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }),
    'protocol',
    { temporary: true, accountLevel: true },
  ],
  ['reset mid-session', nodeError('ECONNRESET', 'read ECONNRESET'), 'protocol'],
  [
    'self-signed certificate (ESOCKET around the OpenSSL code)',
    nodemailerError('self-signed certificate', {
      code: 'ESOCKET',
      originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      command: 'CONN',
    }),
    'certificate',
    { temporary: true, accountLevel: true },
  ],
  [
    'certificate for another host',
    nodeError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
    'certificate',
  ],
  [
    'wrong password (535)',
    nodemailerError('Invalid login', {
      code: 'EAUTH',
      response: '535 5.7.8 Authentication credentials invalid',
      command: 'AUTH PLAIN',
    }),
    'auth',
    { temporary: false, accountLevel: true },
  ],
  [
    'sign-in before TLS (530)',
    nodemailerError('Invalid login', {
      code: 'EAUTH',
      response: '530 5.7.0 Must issue a STARTTLS command first',
      command: 'AUTH PLAIN',
    }),
    'auth',
  ],
  [
    'no credentials',
    nodemailerError('Missing credentials for "PLAIN"', { code: 'EAUTH', command: 'API' }),
    'auth',
  ],
  [
    'unknown recipient (550 5.1.1)',
    nodemailerError("Can't send mail - all recipients were rejected", {
      code: 'EENVELOPE',
      response: '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown',
      command: 'RCPT TO',
    }),
    'rejected',
    { temporary: false, accountLevel: false },
  ],
  [
    'greylisted recipient (451 4.7.1)',
    nodemailerError("Can't send mail - all recipients were rejected", {
      code: 'EENVELOPE',
      response: '451 4.7.1 Greylisted, try again later',
      command: 'RCPT TO',
    }),
    'rejected',
    { temporary: true, accountLevel: false },
  ],
  [
    'refused sender (553)',
    nodemailerError('Mail command failed', {
      code: 'EENVELOPE',
      response: '553 5.7.1 <x@example.com>: Sender address rejected: not owned by user',
      command: 'MAIL FROM',
    }),
    'rejected',
  ],
  [
    'message too big (552 5.3.4)',
    nodemailerError('Message failed', {
      code: 'EMESSAGE',
      response: '552 5.3.4 Message size exceeds fixed limit',
      command: 'DATA',
    }),
    'rejected',
  ],
  [
    'envelope refused before it is sent (no reply)',
    nodemailerError('No recipients defined', { code: 'EENVELOPE', command: 'API' }),
    'rejected',
    { temporary: false, accountLevel: false },
  ],
  [
    'greeting 421 (too many connections)',
    nodemailerError('Connection closed unexpectedly', {
      code: 'ECONNECTION',
      response: '421 4.7.0 Too many connections from your host',
      command: 'CONN',
    }),
    'rejected',
    { temporary: true, accountLevel: true },
  ],
  [
    'greeting 554 (blocklisted)',
    nodemailerError('Invalid greeting', {
      code: 'EPROTOCOL',
      response: '554 5.7.1 Your IP is on a blocklist',
      command: 'CONN',
    }),
    'rejected',
    { temporary: false, accountLevel: true },
  ],
  [
    'EHLO answered 421',
    nodemailerError('Server terminates connection', {
      code: 'ECONNECTION',
      response: '421 4.3.0 shutting down',
      command: 'EHLO',
    }),
    'protocol',
    { temporary: true, accountLevel: true },
  ],
  [
    'required STARTTLS refused',
    nodemailerError('Error upgrading connection with STARTTLS', {
      code: 'ETLS',
      response: '502 5.5.1 Unrecognized command',
      command: 'STARTTLS',
    }),
    'tls',
    { temporary: true, accountLevel: true },
  ],
  [
    'IMAP login refused (imapflow)',
    imapflowError({
      message: 'Authentication failed',
      authenticationFailed: true,
      responseStatus: 'NO',
      responseText: 'Invalid credentials (Failure)',
      serverResponseCode: 'AUTHENTICATIONFAILED',
    }),
    'auth',
    { accountLevel: true },
  ],
  [
    'IMAP mailbox refused (imapflow)',
    imapflowError({
      responseStatus: 'NO',
      responseText: 'Mailbox does not exist',
      serverResponseCode: 'NONEXISTENT',
      executedCommand: 'A4 SELECT "Archive"',
    }),
    'rejected',
    { accountLevel: true },
  ],
  [
    'IMAP connection gone (imapflow)',
    imapflowError({ message: 'Connection not available', code: 'NoConnection' }),
    'protocol',
  ],
  [
    "Mailroom's delivery thread died",
    nodeError('ETHREAD', 'The delivery thread exited (code 1)'),
    'protocol',
    { temporary: true, accountLevel: false },
  ],
];

describe('one failure table for sends, connection tests and fetches', () => {
  it.each(cases)('%s: the same class, message and hint on every path', (_name, err, cls, flags) => {
    const send = classifyDeliveryError(err);
    const test = classifyError(err);
    const fetch = classifyError(err, { stage: 'fetch' });
    expect(send.code).toBe(cls);
    expect({ code: test.code, hint: test.hint, message: test.message }).toEqual({
      code: send.code,
      hint: send.hint,
      message: send.message,
    });
    expect({ code: fetch.code, hint: fetch.hint }).toEqual({ code: send.code, hint: send.hint });
    if (flags) expect(send).toMatchObject(flags);
  });

  // The connection test speaks SMTP itself; sends go through nodemailer. The same server reply must read
  // the same on both.
  const replies = [
    ['greeting', 'CONN', 'ECONNECTION', '421 4.7.0 Too many connections'],
    ['greeting', 'CONN', 'EPROTOCOL', '554 5.7.1 Your IP is on a blocklist'],
    ['ehlo', 'EHLO', 'ECONNECTION', '421 4.3.0 shutting down'],
    ['auth', 'AUTH PLAIN', 'EAUTH', '535 5.7.8 Authentication credentials invalid'],
    ['auth', 'AUTH LOGIN', 'EAUTH', '534 5.7.9 Application-specific password required'],
    ['auth', 'AUTH PLAIN', 'EAUTH', '454 4.7.0 Temporary authentication failure'],
    ['mail', 'MAIL FROM', 'EENVELOPE', '553 5.7.1 Sender address rejected: not owned by user'],
    ['mail', 'MAIL FROM', 'EENVELOPE', '530 5.7.0 Authentication required'],
    ['rcpt', 'RCPT TO', 'EENVELOPE', '550 5.1.1 No such user here'],
    ['rcpt', 'RCPT TO', 'EENVELOPE', '554 5.7.1 Relay access denied'],
    ['rcpt', 'RCPT TO', 'EENVELOPE', '452 4.2.2 Mailbox full'],
    ['rcpt', 'RCPT TO', 'EENVELOPE', '451 4.7.1 Greylisted, try again'],
    ['data', 'DATA', 'EMESSAGE', '554 5.7.1 Message rejected as spam'],
    ['data', 'DATA', 'EMESSAGE', '552 5.3.4 Message too big'],
  ] as const;

  it.each(replies)(
    'SMTP %s reply "%s": same class and hint from the test step and from nodemailer',
    (stage, command, code, response) => {
      const responseCode = Number(response.slice(0, 3));
      const fromStep = classifyReply({ protocol: 'smtp', stage, code: responseCode, text: response });
      const fromSend = classifyDeliveryError(nodemailerError('Failed', { code, command, response }));
      expect(fromSend).toMatchObject({
        code: fromStep.code,
        hint: fromStep.hint,
        message: fromStep.message,
        reply: response,
        responseCode,
        temporary: responseCode < 500,
      });
    },
  );

  it('a temporary SMTP refusal says so, a permanent one does not', () => {
    expect(
      classifyReply({ protocol: 'smtp', stage: 'rcpt', code: 451, text: '451 4.7.1 later' }).hint,
    ).toContain(temporaryNote.trim());
    expect(classifyReply({ protocol: 'smtp', stage: 'rcpt', code: 550, text: '550 5.1.1 no' }).hint).toBe(
      situationHints.recipient,
    );
  });

  it('reads IMAP and POP3 response codes that say a refusal may pass', () => {
    expect(
      classifyReply({ protocol: 'imap', stage: 'auth', text: 'A2 NO [UNAVAILABLE] Try later' }).hint,
    ).toContain(temporaryNote.trim());
    expect(
      classifyReply({ protocol: 'pop3', stage: 'auth', text: '-ERR [SYS/TEMP] Try later' }).hint,
    ).toContain(temporaryNote.trim());
    expect(
      classifyReply({ protocol: 'pop3', stage: 'auth', text: '-ERR [AUTH] Invalid login' }),
    ).toMatchObject({
      code: 'auth',
      hint: failureTable.auth.hint,
    });
    expect(classifyReply({ protocol: 'imap', stage: 'list', text: 'A3 BAD Unknown command' }).code).toBe(
      'protocol',
    );
    expect(
      classifyReply({ protocol: 'imap', stage: 'greeting', text: '* BYE Too many connections' }).code,
    ).toBe('rejected');
  });
});

describe('the table', () => {
  it('has every public error class, with the hints the test results show', () => {
    expect(Object.keys(failureTable).sort()).toEqual([...errorClasses].sort());
    for (const cls of errorClasses) expect(defaultHints[cls]).toBe(failureTable[cls].hint);
  });

  it('only a refusal of the request itself is final and spares the account by default', () => {
    const finalOnes = errorClasses.filter((c) => !failureTable[c].retryable);
    const messageLevel = errorClasses.filter((c) => !failureTable[c].accountLevel);
    expect(finalOnes).toEqual(['rejected']);
    expect(messageLevel).toEqual(['rejected']);
  });
});

describe('HTTP APIs and token endpoints', () => {
  it.each([
    [302, 'protocol', true, true],
    [401, 'auth', true, true],
    [403, 'auth', true, true],
    [400, 'rejected', false, false],
    [404, 'rejected', false, false],
    [429, 'rejected', true, false],
    [500, 'rejected', true, true],
    [503, 'rejected', true, true],
  ] as const)('HTTP %i is %s (temporary %s, account-level %s)', (status, cls, temporary, accountLevel) => {
    expect(httpReplyFailure({ service: 'Mailgun', status })).toMatchObject({
      code: cls,
      temporary,
      accountLevel,
      responseCode: status,
    });
  });

  it('keeps a service’s own advice for a refused key', () => {
    const hint = 'Copy the private API key from the dashboard.';
    expect(httpReplyFailure({ service: 'Mailgun', status: 401, hints: { auth: hint } }).hint).toBe(hint);
  });

  it('a token endpoint’s refusal is "auth", with advice that follows its error code', () => {
    expect(tokenReplyFailure({ status: 400, error: 'invalid_grant' })).toMatchObject({
      code: 'auth',
      hint: situationHints.tokenRevoked,
      message: 'The token endpoint refused the refresh token (HTTP 400, invalid_grant)',
    });
    expect(tokenReplyFailure({ status: 401, error: 'invalid_client' }).hint).toBe(situationHints.tokenClient);
    expect(tokenReplyFailure({ status: 503 }).hint).toBe(situationHints.tokenEndpointDown);
  });
});

describe('a failed TLS handshake in words', () => {
  it('says what OpenSSL means in a sentence and keeps its line verbatim as the detail', () => {
    const raw = 'C0:error:0A000102:SSL routines:tls_process_server_hello:unsupported protocol:ssl/x.c:1:';
    expect(tlsFailureText(raw, ' (mail.example.com:465)')).toEqual({
      message:
        'The server and Mailroom share no TLS version (mail.example.com:465): the server may only offer an outdated one.',
      detail: raw,
    });
    const other = 'C0:error:0A0000FF:SSL routines::something new';
    expect(tlsFailureText(other, '')).toEqual({
      message: 'The encrypted (TLS) connection could not be set up.',
      detail: other,
    });
    // Words that are not OpenSSL's stay the message, with no detail.
    expect(tlsFailureText('Client network socket disconnected', ' (h:465)')).toEqual({
      message: 'TLS failed (h:465): Client network socket disconnected',
    });
  });

  it('classifies an OpenSSL error as tls with the sentence as message and the raw line as detail', () => {
    const raw = '80BCC107ED7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:x.c:350:';
    const info = classifyError(Object.assign(new Error(raw), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }), {
      host: 'mail.example.com',
      port: 465,
    });
    expect(info).toMatchObject({
      code: 'tls',
      message:
        'The server did not answer in TLS (mail.example.com:465): this port probably expects a plain connection or STARTTLS.',
      detail: raw,
    });
  });
});
