import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { closeClients, imapflow } from '../test-support/imap.js';
import { LineClient } from '../test-support/line-client.js';
import type { FaultRule } from '../types.js';
import { FaultRuleError } from './rules.js';

// The sender's address carries a VERP token, as Mailroom's return path does: the reports land
// in the mailbox of exactly that address.
const SENDER = 'bounces+msg42@shop.example.com';

let mock: MockMailServer;
beforeEach(async () => {
  mock = await startMockMailServer({ smtpsPort: false, hostname: 'mx.mock.test' });
});
afterEach(async () => {
  await closeClients();
  await mock.close();
});

/** Sends one message with nodemailer; resolves with nodemailer's info (accepted, rejected, response). */
async function send(to: string[], extra: Record<string, unknown> = {}) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
  try {
    return await transport.sendMail({
      envelope: { from: SENDER, to },
      from: 'Shop <noreply@shop.example.com>',
      to,
      subject: 'Your order 4711',
      messageId: '<order-4711@shop.example.com>',
      text: 'Order 4711 confirmed.\n',
      ...extra,
    });
  } finally {
    transport.close();
  }
}

/** mailparser, keeping message/delivery-status as an attachment (by default it joins the text). */
const parse = (source: string | Buffer) => simpleParser(source, { keepDeliveryStatus: true });

/** The sender's mail over POP3 (USER, PASS, RETR each), parsed. */
async function overPop3(login: string): Promise<ParsedMail[]> {
  const pop = await LineClient.connect(mock.pop3Port);
  await pop.line();
  await pop.pop(`USER ${login}`);
  await pop.pop('PASS any');
  const stat = await pop.pop('STAT');
  const count = Number(stat.split(' ')[1]);
  const out: ParsedMail[] = [];
  for (let n = 1; n <= count; n++) {
    pop.write(`RETR ${n}\r\n`);
    const lines = await pop.multiline();
    // Undo dot-stuffing (RFC 1939 3).
    out.push(await parse(lines.map((l) => (l.startsWith('..') ? l.slice(1) : l)).join('\r\n')));
  }
  await pop.pop('QUIT');
  pop.close();
  return out;
}

/** The sender's INBOX over IMAP with imapflow, parsed. */
async function overImap(login: string): Promise<ParsedMail[]> {
  const client = imapflow(mock, login);
  await client.connect();
  await client.mailboxOpen('INBOX');
  const out: ParsedMail[] = [];
  for await (const message of client.fetch('1:*', { source: true })) out.push(await parse(message.source!));
  await client.logout();
  return out;
}

/** The fields of a report part (message/delivery-status or message/feedback-report), groups in order. */
function fields(mail: ParsedMail, contentType: string): Array<Record<string, string>> {
  const part = mail.attachments.find((a) => a.contentType === contentType);
  if (!part)
    throw new Error(`no ${contentType} part in ${mail.attachments.map((a) => a.contentType).join(', ')}`);
  return part.content
    .toString('utf8')
    .split(/\r?\n\r?\n/)
    .filter((group) => group.trim())
    .map((group) =>
      Object.fromEntries(
        group
          .split(/\r?\n/)
          .filter(Boolean)
          .map((line) => [
            line.slice(0, line.indexOf(':')).toLowerCase(),
            line.slice(line.indexOf(':') + 1).trim(),
          ]),
      ),
    );
}

const reportType = (mail: ParsedMail) =>
  mail.headers.get('content-type') as { value: string; params: Record<string, string> };

describe('bounce', () => {
  it('accepts a hard-bounced recipient with 250, then puts an RFC 3464 DSN in the VERP sender’s mailbox (POP3 and IMAP)', async () => {
    mock.faults.set([
      {
        stage: 'rcpt',
        match: 'gone@example.org',
        action: 'bounce',
        status: '5.1.1',
        text: 'mailbox does not exist',
      },
    ]);
    const info = await send(['gone@example.org', 'ann@example.org']);
    expect(info.accepted).toEqual(['gone@example.org', 'ann@example.org']);
    expect(info.response).toMatch(/^250 /);
    // The bounced recipient never got it; the other did.
    expect(mock.messages({ subject: 'Your order 4711' }).map((m) => m.envelope.rcptTo)).toEqual([
      ['ann@example.org'],
    ]);

    const [popped] = await overPop3(SENDER);
    const [fetched] = await overImap(SENDER);
    for (const dsn of [popped!, fetched!]) {
      expect(reportType(dsn)).toMatchObject({
        value: 'multipart/report',
        params: { 'report-type': 'delivery-status' },
      });
      expect(dsn.from?.value[0]?.address).toBe('MAILER-DAEMON@mx.mock.test');
      expect(dsn.to).toMatchObject({ value: [{ address: SENDER }] });
      expect(dsn.text).toContain('gone@example.org');
      const [perMessage, perRecipient] = fields(dsn, 'message/delivery-status');
      expect(perMessage).toMatchObject({ 'reporting-mta': 'dns; mx.mock.test' });
      expect(perRecipient).toMatchObject({
        'final-recipient': 'rfc822; gone@example.org',
        'original-recipient': 'rfc822; gone@example.org',
        action: 'failed',
        status: '5.1.1',
        'remote-mta': 'dns; mx.example.org',
        'diagnostic-code': 'smtp; 550 5.1.1 mailbox does not exist',
      });
      const headers = dsn.attachments.find((a) => a.contentType === 'text/rfc822-headers');
      expect(headers?.content.toString()).toContain('Message-ID: <order-4711@shop.example.com>');
    }
    // The sender's address without the token reads the bounces of every token too.
    expect(await overPop3('bounces@shop.example.com')).toHaveLength(1);
    expect(mock.faults.fired()).toMatchObject([
      {
        stage: 'rcpt',
        action: 'bounce',
        code: 550,
        message: '5.1.1 mailbox does not exist',
        target: 'gone@example.org',
      },
    ]);
  });

  it('soft (4.x.x, failed) at the data stage for every recipient, delayed (Action: delayed) with its defaults', async () => {
    mock.faults.set([
      {
        stage: 'data',
        action: 'bounce',
        kind: 'soft',
        status: '4.2.2',
        code: 452,
        text: 'Mailbox full',
        count: 1,
      },
      { stage: 'rcpt', match: 'slow@*', action: 'bounce', kind: 'delayed' },
    ]);
    await send(['ann@example.org', 'bob@example.org']);
    await send(['slow@example.net']);
    expect(mock.messages({ subject: 'Your order 4711' })).toEqual([]);
    const reports = (await overImap(SENDER)).map((m) => fields(m, 'message/delivery-status')[1]);
    expect(reports).toEqual([
      expect.objectContaining({
        'final-recipient': 'rfc822; ann@example.org',
        action: 'failed',
        status: '4.2.2',
      }),
      expect.objectContaining({
        'final-recipient': 'rfc822; bob@example.org',
        action: 'failed',
        status: '4.2.2',
      }),
      expect.objectContaining({
        'final-recipient': 'rfc822; slow@example.net',
        action: 'delayed',
        status: '4.4.1',
        'diagnostic-code': 'smtp; 451 4.4.1 Connection timed out, still trying (mock bounce)',
        'will-retry-until': expect.any(String),
      }),
    ]);
    expect(reports[0]!['diagnostic-code']).toBe('smtp; 452 4.2.2 Mailbox full');
  });

  it('names the DSN ORCPT the client gave as Original-Recipient, and sends nothing for a null sender', async () => {
    mock.faults.set([{ stage: 'rcpt', match: 'gone@*', action: 'bounce' }]);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
    await transport.sendMail({
      envelope: { from: SENDER, to: ['gone@example.org'] },
      from: 'noreply@shop.example.com',
      to: 'gone@example.org',
      subject: 'with ORCPT',
      text: 'x',
      dsn: { id: 'msg42', return: 'headers', notify: ['failure'], recipient: 'first+list@example.org' },
    });
    await transport.sendMail({
      envelope: { from: '', to: ['gone@example.org'] },
      subject: 'null sender',
      text: 'x',
    });
    transport.close();
    const mails = await overPop3(SENDER);
    expect(mails).toHaveLength(1);
    expect(fields(mails[0]!, 'message/delivery-status')[1]).toMatchObject({
      'original-recipient': 'rfc822; first+list@example.org',
      status: '5.1.1',
    });
    expect(mock.messages()).toHaveLength(1); // the DSN; the null sender's message bounced silently
  });
});

describe('complain', () => {
  it('delivers the message, then puts an RFC 5965 ARF report with the original in the sender’s mailbox', async () => {
    mock.faults.set([{ stage: 'rcpt', match: 'angry@example.org', action: 'complain' }]);
    await send(['angry@example.org']);
    expect(mock.messages({ to: 'angry@example.org' })).toHaveLength(1);

    const [popped] = await overPop3(SENDER);
    const [fetched] = await overImap(SENDER);
    for (const arf of [popped!, fetched!]) {
      expect(reportType(arf)).toMatchObject({
        value: 'multipart/report',
        params: { 'report-type': 'feedback-report' },
      });
      const [report] = fields(arf, 'message/feedback-report');
      expect(report).toMatchObject({
        'feedback-type': 'abuse',
        'user-agent': expect.stringMatching(/\S/),
        version: '1',
        'original-mail-from': `<${SENDER}>`,
        'original-rcpt-to': '<angry@example.org>',
        'reporting-mta': 'dns; mx.mock.test',
      });
      const original = arf.attachments.find((a) => a.contentType === 'message/rfc822');
      const parsed = await simpleParser(original!.content);
      expect(parsed.messageId).toBe('<order-4711@shop.example.com>');
      expect(parsed.text).toContain('Order 4711 confirmed.');
    }
  });

  it('reports the feedback type the rule names', async () => {
    mock.faults.set([{ stage: 'end-of-data', action: 'complain', feedbackType: 'fraud', text: 'Phishing' }]);
    await send(['ann@example.org']);
    const [arf] = await overPop3(SENDER);
    expect(fields(arf!, 'message/feedback-report')[0]).toMatchObject({ 'feedback-type': 'fraud' });
    expect(arf!.text).toContain('Phishing');
  });
});

describe('bounce and complain rules', () => {
  const errors = (rules: unknown[]) => {
    try {
      mock.faults.set(rules as FaultRule[]);
    } catch (error) {
      return (error as FaultRuleError).errors;
    }
    throw new Error('the rules were accepted');
  };

  it('are checked with errors naming each field', () => {
    expect(
      errors([
        { stage: 'rcpt', action: 'bounce', status: '4.2.2' },
        { stage: 'rcpt', action: 'bounce', kind: 'soft', code: 550 },
        { stage: 'mail', action: 'complain' },
        { stage: 'rcpt', action: 'bounce', kind: 'later', message: 'x' },
        { stage: 'rcpt', action: 'complain', feedbackType: 'spam', code: 550 },
        { stage: 'rcpt', action: 'reply', text: 'x', kind: 'hard', feedbackType: 'abuse' },
        { stage: 'rcpt', action: 'bounce', text: 'two\nlines' },
      ]),
    ).toEqual([
      {
        path: '[0].status',
        message: 'expected an enhanced status code 5.x.x for a hard bounce, such as 5.1.1',
      },
      { path: '[1].code', message: 'expected an SMTP code 400–499 for a soft bounce' },
      {
        path: '[2].action',
        message: 'complain only at the stages that accept a message: rcpt, data, end-of-data, ses',
      },
      { path: '[3].kind', message: 'expected one of hard, soft, delayed' },
      { path: '[3].message', message: "bounce accepts the message with 250; the report's text is `text`" },
      { path: '[4].feedbackType', message: 'expected one of abuse, fraud, virus, other, not-spam' },
      { path: '[4].code', message: 'a complaint has no code; the message is accepted' },
      { path: '[5].kind', message: 'only for action bounce' },
      { path: '[5].feedbackType', message: 'only for action complain' },
      { path: '[5].text', message: 'only for action bounce or complain' },
      { path: '[6].text', message: 'expected a single-line string of at most 500 characters' },
    ]);
    expect(() => mock.faults.set([{ stage: 'rcpt', action: 'bounce' }])).not.toThrow(FaultRuleError);
  });

  it('are refused over the HTTP API with 400 naming the field', async () => {
    const res = await fetch(`${mock.httpUrl}/api/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ stage: 'rcpt', action: 'bounce', kind: 'delayed', status: '5.1.1' }]),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('[0].status');
    const ok = await fetch(`${mock.httpUrl}/api/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { stage: 'rcpt', action: 'bounce', kind: 'soft', status: '4.2.2', text: 'Mailbox full' },
      ]),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ rules: [{ action: 'bounce', kind: 'soft', status: '4.2.2' }] });
  });
});
