// A bounce mailbox takes mail from anyone: whatever arrives is classified before anything else, and
// what the classifier says can suppress addresses. These are the attacks on that step: a forged
// bounce that names a message it never saw, a VERP token edited to point at another recipient, and
// messages built to make the classifier work without end (huge lines, thousands of recipient groups,
// deep nesting). Each must be answered, bounded, and must not correlate.
import { randomUUID } from 'node:crypto';
import { classifyMessage, createVerpToken, parseVerp, readVerpToken, verpAddress } from '@mailroom/core';
import { describe, expect, it } from 'vitest';

const KEY = 'bounce-key-for-the-attack-tests';
const BASE = 'bounces@sender.test';
const tokenOf = (a: string) => parseVerp(a, BASE)?.token ?? null;

function dsn(to: string, recipientGroups: string): string {
  return [
    'From: MAILER-DAEMON@mx.attacker.test',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'bounce',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.attacker.test',
    '',
    recipientGroups,
    '--b--',
    '',
  ].join('\r\n');
}

describe('forged bounces', () => {
  it('a token edited to name another recipient or message does not verify', async () => {
    const messageId = randomUUID();
    const real = createVerpToken({ messageId, recipientIndex: 0 }, KEY);
    const [head, mac] = real.split('-') as [string, string];
    const forgeries = [
      `${head.slice(0, -1)}1-${mac}`, // recipient 1 of the same message
      `${createVerpToken({ messageId: randomUUID(), recipientIndex: 0 }, KEY).split('-')[0]}-${mac}`,
      createVerpToken({ messageId, recipientIndex: 1 }, 'a-key-the-attacker-guessed'),
    ];
    for (const forged of forgeries) {
      const c = await classifyMessage(
        dsn(
          verpAddress(BASE, forged),
          'Final-Recipient: rfc822; victim@customer.test\r\nAction: failed\r\nStatus: 5.1.1\r\n',
        ),
        { verpAddress: tokenOf },
      );
      expect(c).toMatchObject({ kind: 'bounce', verpToken: forged });
      expect(readVerpToken(forged, KEY)).toBeNull();
    }
  });

  it('a bounce text from an ordinary sender is not a bounce', async () => {
    const c = await classifyMessage(
      [
        'From: Mallory <mallory@attacker.test>',
        'Return-Path: <mallory@attacker.test>',
        'To: bounces@sender.test',
        'Subject: Mail delivery failed: returning message to sender',
        'X-Failed-Recipients: victim@customer.test',
        '',
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  victim@customer.test',
        '    550 5.1.1 User unknown',
        '',
      ].join('\r\n'),
    );
    expect(c).toEqual({ kind: 'other' });
  });
});

describe('work bounded by the input, not by the attacker', () => {
  it('a 4 MB single line of address fragments', async () => {
    const line = 'a@b.c.'.repeat(700_000);
    const c = await classifyMessage(
      `From: MAILER-DAEMON@x.test\r\nReturn-Path: <>\r\nSubject: Undeliverable\r\n\r\n<${line}>: 550 ${line}\r\n`,
    );
    expect(c.kind).toBe('bounce');
    if (c.kind === 'bounce') expect(c.recipients.length).toBeLessThanOrEqual(1);
  });

  it('a delivery-status part with 50,000 recipient groups is read up to its bound', async () => {
    const groups = Array.from(
      { length: 50_000 },
      (_, i) => `Final-Recipient: rfc822; r${i}@customer.test\r\nAction: failed\r\nStatus: 5.1.1\r\n`,
    ).join('\r\n');
    const c = await classifyMessage(dsn(BASE, groups));
    expect(c.kind).toBe('bounce');
    if (c.kind === 'bounce') {
      expect(c.recipients.length).toBeGreaterThan(1000);
      expect(c.recipients.length).toBeLessThan(50_000);
    }
  });

  it('a text bounce listing 20,000 recipients', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `r${i}@customer.test: 550 5.1.1 unknown`).join(
      '\r\n',
    );
    const c = await classifyMessage(
      `From: MAILER-DAEMON@x.test\r\nReturn-Path: <>\r\nSubject: Undeliverable mail\r\n\r\n${lines}\r\n`,
    );
    expect(c.kind).toBe('bounce');
    // Read up to the 256 KB bound, every one of those with its status.
    if (c.kind === 'bounce') {
      expect(c.recipients.length).toBeGreaterThan(1000);
      expect(c.recipients.length).toBeLessThan(20_000);
      expect(c.recipients.every((r) => r.status === '5.1.1' && r.kind === 'hard')).toBe(true);
    }
  });

  // Shapes that make a careless pattern backtrack quadratically: a long run of blank lines where a
  // pattern looks for text, spaces where one looks for a reply code, a Message-ID of @ signs. With the
  // patterns as they were before 2026-12-01 11:30 UTC, each of these ran for longer than 20 s alone.
  it('runs of blank lines and spaces after the phrases the rules look for', async () => {
    const blank = '\n'.repeat(120_000);
    const spaces = ' '.repeat(120_000);
    const gmail = await classifyMessage(
      `From: mailer-daemon@googlemail.com\nSubject: Delivery Status Notification (Failure)\n\n` +
        `Delivery to the following recipient failed permanently:\n\n     a@b.test\n` +
        `The error that the other server returned was:${blank}`,
    );
    expect(gmail).toMatchObject({ kind: 'bounce', format: 'gmail' });
    const domino = await classifyMessage(
      `From: Postmaster@notes.test\nSubject: DELIVERY FAILURE\n\nwas not delivered to:\n\n  a@b.test\n\nbecause:${blank}`,
    );
    expect(domino).toMatchObject({ kind: 'bounce', format: 'domino' });
    const generic = await classifyMessage(
      `From: MAILER-DAEMON@x.test\nSubject: Undeliverable mail\n\na@b.test: ${spaces}x\n`,
    );
    expect(generic).toMatchObject({ kind: 'bounce', format: 'generic', recipients: [] });
  });

  it('a Message-ID of 100,000 @ signs and no closing bracket', async () => {
    const c = await classifyMessage(
      `From: a@b.test\nSubject: Automatic reply: hi\nIn-Reply-To: ${'@'.repeat(100_000)}<\n\nAway.\n`,
    );
    expect(c).toMatchObject({ kind: 'auto_reply', originalMessageId: null });
  });

  it('multipart nested 2,000 deep', async () => {
    const depth = 2000;
    let body = 'Content-Type: text/plain\r\n\r\nhello\r\n';
    for (let i = 0; i < depth; i++) {
      body = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${body}--n${i}--\r\n`;
    }
    const c = await classifyMessage(`From: a@b.test\r\nSubject: deep\r\n${body}`).catch((e: Error) => e);
    // Refused by the parser's part limit, or read as ordinary mail; either way an answer.
    expect(c instanceof Error ? 'refused' : c.kind).toMatch(/^(refused|other)$/);
  });
});
