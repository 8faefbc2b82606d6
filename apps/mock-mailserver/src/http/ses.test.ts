import aws4 from 'aws4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultRuleError } from '../faults/rules.js';
import { type MockMailServer, startMockMailServer } from '../index.js';

// Requests are signed with aws4, an implementation independent of the mock's verifier, so a
// pass means the mock accepts what a real SigV4 client sends.

const credentials = {
  accessKeyId: 'AKIAMOCKSES000000001',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYmock',
};

let mock: MockMailServer;
beforeEach(async () => {
  mock = await startMockMailServer({
    smtpPort: false,
    smtpsPort: false,
    pop3Port: false,
    sesCredentials: credentials,
  });
});
afterEach(() => mock.close());

interface CallOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string } | null;
  /** `x-amz-date` to sign with; the signer's clock when left out. */
  amzDate?: string;
  /** Replaces the body after signing. */
  tamper?: string;
  prefix?: string;
  signal?: AbortSignal;
}

/** Calls the SES emulation, signed for service `ses` in eu-west-1 like an SES v2 client. */
async function call(method: 'GET' | 'POST', path: string, body?: unknown, options: CallOptions = {}) {
  const url = new URL(mock.httpUrl);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = payload === undefined ? {} : { 'content-type': 'application/json' };
  if (options.amzDate) headers['X-Amz-Date'] = options.amzDate;
  const signer = options.credentials === undefined ? credentials : options.credentials;
  const request = {
    host: url.host,
    method,
    path: `${options.prefix ?? '/ses'}${path}`,
    service: 'ses',
    region: 'eu-west-1',
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  };
  const signed = signer ? aws4.sign(request, signer) : request;
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers ?? {})) {
    // fetch sets Host itself (to the same value that was signed), and the length of a tampered body.
    const skip =
      name.toLowerCase() === 'host' ||
      (options.tamper !== undefined && name.toLowerCase() === 'content-length');
    if (!skip && value !== undefined) sent[name] = String(value);
  }
  const res = await fetch(`${mock.httpUrl}${signed.path}`, {
    method,
    headers: sent,
    ...(options.tamper !== undefined
      ? { body: options.tamper }
      : payload !== undefined
        ? { body: payload }
        : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    errorType: res.headers.get('x-amzn-errortype'),
    requestId: res.headers.get('x-amzn-requestid'),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const send = (body: unknown, options?: CallOptions) =>
  call('POST', '/v2/email/outbound-emails', body, options);
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

const RAW = [
  'From: Shop <noreply@shop.example.org>',
  'To: Ann <ann@example.org>, bob@example.org',
  'Cc: carol@example.org',
  'Subject: Your order',
  'Message-ID: <order-4711@shop.example.org>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Order 4711 confirmed, code 998877',
  '',
].join('\r\n');

/** `yyyyMMdd'T'HHmmss'Z'` of a time. */
const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');

describe('SES v2 SendEmail', () => {
  it('stores a raw message like SMTP mail, recipients from its headers', async () => {
    const res = await send({ Content: { Raw: { Data: base64(RAW) } } });
    expect(res.status).toBe(200);
    const messageId = res.body.MessageId as string;
    expect(messageId).toMatch(
      /^0100[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-000000$/,
    );
    expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const stored = await mock.waitFor({ to: 'bob@example.org', timeoutMs: 1000 });
    expect(stored).toMatchObject({
      transport: 'ses',
      authUser: credentials.accessKeyId,
      secure: false,
      messageId: '<order-4711@shop.example.org>',
      envelope: {
        mailFrom: 'noreply@shop.example.org',
        rcptTo: ['ann@example.org', 'bob@example.org', 'carol@example.org'],
      },
      subject: 'Your order',
      text: 'Order 4711 confirmed, code 998877\n',
      ses: { messageId, content: 'raw', region: 'eu-west-1', configurationSetName: null, tags: {} },
    });
    expect((await mock.raw(stored.id))?.toString('utf8')).toBe(RAW);
    expect(mock.messages({ user: credentials.accessKeyId })).toHaveLength(1);
  });

  it('takes the envelope from FromEmailAddress and Destination when given, Bcc included', async () => {
    const res = await send({
      FromEmailAddress: 'Bounces <bounce@shop.example.org>',
      Destination: {
        ToAddresses: ['Dan <dan@example.org>'],
        CcAddresses: ['erin@example.org'],
        BccAddresses: ['audit@example.org'],
      },
      ConfigurationSetName: 'transactional',
      EmailTags: [
        { Name: 'campaign', Value: 'spring' },
        { Name: 'tenant', Value: 't1' },
      ],
      Content: { Raw: { Data: base64(RAW) } },
    });
    expect(res.status).toBe(200);
    const [stored] = mock.messages();
    expect(stored).toMatchObject({
      envelope: {
        mailFrom: 'bounce@shop.example.org',
        rcptTo: ['dan@example.org', 'erin@example.org', 'audit@example.org'],
      },
      // The headers are the message's own: the envelope does not rewrite them.
      from: { name: 'Shop', address: 'noreply@shop.example.org' },
      ses: { configurationSetName: 'transactional', tags: { campaign: 'spring', tenant: 't1' } },
    });
  });

  it('composes a simple message', async () => {
    const res = await send({
      FromEmailAddress: 'Shop <noreply@shop.example.org>',
      Destination: { ToAddresses: ['ann@example.org'], BccAddresses: ['audit@example.org'] },
      ReplyToAddresses: ['help@shop.example.org'],
      Content: {
        Simple: {
          Subject: { Data: 'Welcome', Charset: 'UTF-8' },
          Body: {
            Text: { Data: 'Your code is 246810' },
            Html: { Data: '<p>Your code is <b>246810</b></p>' },
          },
          Headers: [{ Name: 'X-Campaign', Value: 'spring' }],
          Attachments: [{ FileName: 'terms.txt', RawContent: base64('terms'), ContentType: 'text/plain' }],
        },
      },
    });
    expect(res.status).toBe(200);
    const messageId = res.body.MessageId as string;
    const stored = await mock.waitFor({ to: 'audit@example.org', timeoutMs: 1000 });
    expect(stored).toMatchObject({
      transport: 'ses',
      messageId: `<${messageId}@email.amazonses.com>`,
      envelope: { mailFrom: 'noreply@shop.example.org', rcptTo: ['ann@example.org', 'audit@example.org'] },
      from: { name: 'Shop', address: 'noreply@shop.example.org' },
      to: [{ address: 'ann@example.org' }],
      replyTo: [{ address: 'help@shop.example.org' }],
      subject: 'Welcome',
      text: 'Your code is 246810',
      html: '<p>Your code is <b>246810</b></p>',
      attachments: [{ filename: 'terms.txt', contentType: 'text/plain', size: 5 }],
      ses: { messageId, content: 'simple' },
    });
    expect(stored.headers['x-campaign']).toBe('spring');
    expect(stored.headers.bcc).toBeUndefined();
    expect(mock.codes(stored.id).codes.map((c) => c.value)).toEqual(['246810']);
  });

  it('answers under /v2 too, so the endpoint can be the bare HTTP URL', async () => {
    const res = await send({ Content: { Raw: { Data: base64(RAW) } } }, { prefix: '' });
    expect(res.status).toBe(200);
    expect(mock.messages()).toHaveLength(1);
  });
});

describe('SES v2 GetAccount', () => {
  it('describes a healthy production account with what was sent', async () => {
    expect((await send({ Content: { Raw: { Data: base64(RAW) } } })).status).toBe(200);
    const res = await call('GET', '/v2/email/account');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      SendingEnabled: true,
      ProductionAccessEnabled: true,
      EnforcementStatus: 'HEALTHY',
      SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 1 },
    });
  });
});

describe('SigV4', () => {
  const raw = { Content: { Raw: { Data: base64(RAW) } } };

  it('refuses a signature made with another secret', async () => {
    const res = await send(raw, { credentials: { ...credentials, secretAccessKey: 'wrong' } });
    expect(res).toMatchObject({ status: 403, errorType: 'SignatureDoesNotMatch' });
    expect(res.body.message).toMatch(/^The request signature we calculated does not match/);
    expect(mock.messages()).toHaveLength(0);
  });

  it('refuses a body changed after signing', async () => {
    const res = await send(raw, {
      tamper: JSON.stringify({ Content: { Raw: { Data: base64('From: x@y\r\n') } } }),
    });
    expect(res).toMatchObject({ status: 403, errorType: 'SignatureDoesNotMatch' });
  });

  it('refuses an unknown access key id', async () => {
    const res = await send(raw, { credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' } });
    expect(res).toMatchObject({
      status: 403,
      errorType: 'InvalidClientTokenId',
      body: { message: 'The security token included in the request is invalid.' },
    });
    expect(
      (
        await call('GET', '/v2/email/account', undefined, {
          credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' },
        })
      ).status,
    ).toBe(403);
  });

  it('refuses a request signed more than 15 minutes off the clock, either way', async () => {
    const stale = await send(raw, { amzDate: amzDate(Date.now() - 20 * 60_000) });
    expect(stale).toMatchObject({ status: 403, errorType: 'SignatureDoesNotMatch' });
    expect(stale.body.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    const ahead = await send(raw, { amzDate: amzDate(Date.now() + 20 * 60_000) });
    expect(ahead).toMatchObject({ status: 403, errorType: 'SignatureDoesNotMatch' });
    expect(ahead.body.message).toMatch(/^Signature not yet current/);
    expect((await send(raw, { amzDate: amzDate(Date.now() - 5 * 60_000) })).status).toBe(200);
  });

  it('refuses an unsigned request and a malformed Authorization header', async () => {
    expect(await send(raw, { credentials: null })).toMatchObject({
      status: 403,
      errorType: 'MissingAuthenticationTokenException',
    });
    const res = await fetch(`${mock.httpUrl}/ses/v2/email/account`, {
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIAMOCKSES000000001/20240101/eu-west-1/ses/aws4_request',
      },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
    expect(await res.json()).toEqual({ message: "Authorization header requires 'SignedHeaders' parameter." });
  });

  it('accepts any signature, or none, without configured credentials', async () => {
    await mock.close();
    mock = await startMockMailServer({ smtpPort: false, smtpsPort: false, pop3Port: false });
    expect((await send(raw, { credentials: null })).status).toBe(200);
    expect(
      (await send(raw, { credentials: { accessKeyId: 'AKIAANY', secretAccessKey: 'any' } })).status,
    ).toBe(200);
    expect(mock.messages().map((m) => m.authUser)).toEqual(['AKIAANY', null]);
    expect((await call('GET', '/v2/email/account', undefined, { credentials: null })).status).toBe(200);
  });
});

describe('SES errors for what SES refuses', () => {
  it.each([
    ['invalid JSON', '{"Content":', 'The request body is not valid JSON'],
    ['no Content', { FromEmailAddress: 'a@example.org' }, 'Content is required'],
    [
      'two kinds of content',
      { Content: { Raw: { Data: 'eA==' }, Simple: {} } },
      'Content must have exactly one of Raw, Simple or Template',
    ],
    [
      'Raw.Data not base64',
      { Content: { Raw: { Data: 'not base64!' } } },
      'Content.Raw.Data must be base64-encoded',
    ],
    ['Raw.Data a number', { Content: { Raw: { Data: 42 } } }, 'Content.Raw.Data must be a string'],
    [
      'a recipient that is no address',
      {
        Destination: { ToAddresses: ['ann@example.org', 'nobody'] },
        Content: { Raw: { Data: base64(RAW) } },
      },
      'Destination.ToAddresses[1] is not an e-mail address: "nobody"',
    ],
    [
      'Destination not a list',
      { Destination: { ToAddresses: 'ann@example.org' }, Content: { Raw: { Data: base64(RAW) } } },
      'Destination.ToAddresses must be a list',
    ],
    [
      'a simple message without a sender',
      {
        Destination: { ToAddresses: ['ann@example.org'] },
        Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
      },
      'FromEmailAddress is required',
    ],
    [
      'a simple message without a body',
      {
        FromEmailAddress: 'a@example.org',
        Destination: { ToAddresses: ['ann@example.org'] },
        Content: { Simple: { Subject: { Data: 's' }, Body: {} } },
      },
      'Content.Simple.Body must have Text or Html',
    ],
    [
      'an email tag without a name',
      { EmailTags: [{ Value: 'v' }], Content: { Raw: { Data: base64(RAW) } } },
      'EmailTags[0].Name is required',
    ],
  ])('400 BadRequestException naming the field: %s', async (_, body, message) => {
    const res = await send(body);
    expect(res).toMatchObject({ status: 400, errorType: 'BadRequestException', body: { message } });
    expect(mock.messages()).toHaveLength(0);
  });

  it('400 MessageRejected for a raw message without From or recipients', async () => {
    const noFrom = await send({
      Content: { Raw: { Data: base64('To: ann@example.org\r\nSubject: x\r\n\r\nbody\r\n') } },
    });
    expect(noFrom).toMatchObject({
      status: 400,
      errorType: 'MessageRejected',
      body: { message: "Missing required header 'From'." },
    });
    const noRcpt = await send({
      Content: { Raw: { Data: base64('From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n') } },
    });
    expect(noRcpt).toMatchObject({ status: 400, errorType: 'MessageRejected' });
    expect(noRcpt.body.message).toMatch(/no To, Cc or Bcc/);
    expect(mock.messages()).toHaveLength(0);
  });
});

/** Reads server-sent events until one of `type` arrives. */
async function nextEvent(res: Response, type: string): Promise<unknown> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before a ${type} event`);
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.includes(`event: ${type}\n`)) {
        await reader.cancel();
        return JSON.parse(block.slice(block.indexOf('data: ') + 6));
      }
    }
  }
}

describe('fault rules on the SES API', () => {
  const raw = { Content: { Raw: { Data: base64(RAW) } } };

  it.each([
    [429, 'TooManyRequestsException'],
    [400, 'MessageRejected'],
    [403, 'AccessDeniedException'],
    [500, 'InternalFailure'],
    [503, 'ServiceUnavailable'],
  ])('a %i reply is the SES error %s', async (code, type) => {
    mock.faults.set([{ stage: 'ses', code, message: `mock ${code}`, count: 1 }]);
    expect(await send(raw)).toMatchObject({
      status: code,
      errorType: type,
      body: { message: `mock ${code}` },
    });
    expect(mock.messages()).toHaveLength(0);
    expect((await send(raw)).status).toBe(200);
  });

  it('names the error when the rule does, and defaults to MessageRejected', async () => {
    mock.faults.set([
      {
        stage: 'ses',
        code: 400,
        errorType: 'AccountSuspendedException',
        message: 'Account suspended',
        count: 1,
      },
      { stage: 'ses', count: 1 },
    ]);
    expect(await send(raw)).toMatchObject({
      status: 400,
      errorType: 'AccountSuspendedException',
      body: { message: 'Account suspended' },
    });
    expect(await send(raw)).toMatchObject({
      status: 400,
      errorType: 'MessageRejected',
      body: { message: 'Message rejected (mock fault)' },
    });
  });

  it('matches any recipient', async () => {
    mock.faults.set([{ stage: 'ses', match: 'carol@*', code: 400, message: 'Address blacklisted.' }]);
    expect((await send(raw)).status).toBe(400);
    expect(mock.faults.fired()).toMatchObject([{ stage: 'ses', target: 'carol@example.org', code: 400 }]);
    const other = await send({ Destination: { ToAddresses: ['dan@example.org'] }, ...raw });
    expect(other.status).toBe(200);
  });

  it('bounce and complain answer 200, then put a DSN and an ARF report in the sender’s mailbox', async () => {
    mock.faults.set([
      { stage: 'ses', match: 'bob@*', action: 'bounce', status: '5.1.1', text: 'no such user', count: 1 },
      { stage: 'ses', match: 'carol@*', action: 'complain', count: 1 },
    ]);
    expect((await send(raw)).status).toBe(200);
    // The bounced recipient never got it; the others did.
    expect(mock.messages({ subject: 'Your order' }).map((m) => m.envelope.rcptTo)).toEqual([
      ['ann@example.org', 'carol@example.org'],
    ]);
    // The first rule that fires decides a call: the complaint comes with the next one.
    expect((await send(raw)).status).toBe(200);
    const reports = mock.messages({ to: 'noreply@shop.example.org' });
    expect(reports.map((m) => [m.transport, m.subject])).toEqual([
      ['ses', 'Complaint (abuse) about a message to carol@example.org'],
      ['ses', 'Undelivered Mail Returned to Sender'],
    ]);
    expect((await mock.raw(reports[0]!.id))!.toString()).toContain('Original-Rcpt-To: <carol@example.org>');
    const dsn = (await mock.raw(reports[1]!.id))!.toString();
    expect(dsn).toContain('report-type=delivery-status');
    expect(dsn).toContain('Final-Recipient: rfc822; bob@example.org');
    expect(dsn).toContain('Diagnostic-Code: smtp; 550 5.1.1 no such user');
    expect(dsn).toContain('Message-ID: <order-4711@shop.example.org>');
  });

  it('drop closes the connection without an answer and stores nothing', async () => {
    mock.faults.set([{ stage: 'ses', action: 'drop', count: 1 }]);
    await expect(send(raw)).rejects.toThrow();
    expect(mock.messages()).toHaveLength(0);
    expect((await send(raw)).status).toBe(200);
  });

  it('delay holds the send until it elapses', async () => {
    mock.faults.set([{ stage: 'ses', action: 'delay', delayMs: 3_600_000, count: 1 }]);
    const events = await fetch(`${mock.httpUrl}/api/events`);
    const fired = nextEvent(events, 'fault');
    const controller = new AbortController();
    const held = send(raw, { signal: controller.signal });
    expect(await fired).toMatchObject({ stage: 'ses', action: 'delay', delayMs: 3_600_000 });
    // The rule has fired, and the message is not stored: the delay holds it.
    expect(mock.messages()).toHaveLength(0);
    controller.abort();
    await expect(held).rejects.toThrow();

    mock.faults.set([{ stage: 'ses', delayMs: 1, count: 1 }]);
    expect((await send(raw)).status).toBe(200);
    expect(mock.faults.fired().at(-1)).toMatchObject({ stage: 'ses', action: 'delay', delayMs: 1 });
  });

  it('ses-account fails GetAccount, matched on the access key id', async () => {
    mock.faults.set([
      { stage: 'ses-account', match: 'AKIAMOCK*', code: 403, message: 'Access denied', count: 1 },
    ]);
    expect(await call('GET', '/v2/email/account')).toMatchObject({
      status: 403,
      errorType: 'AccessDeniedException',
      body: { message: 'Access denied' },
    });
    expect((await send(raw)).status).toBe(200);
    mock.faults.set([{ stage: 'ses-account' }]);
    expect(await call('GET', '/v2/email/account')).toMatchObject({
      status: 503,
      errorType: 'ServiceUnavailable',
    });
  });

  it('rejects errorType outside the SES stages', () => {
    expect(() => mock.faults.set([{ stage: 'rcpt', errorType: 'MessageRejected' }])).toThrow(FaultRuleError);
    expect(() => mock.faults.set([{ stage: 'ses', errorType: 'Not a name' }])).toThrow(/errorType/);
  });
});
