// The reports the mock mail server makes for its `bounce` and `complain` fault rules are what a bounce
// mailbox fetches in tests and in the quick start: each must classify as what its rule said.
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyMessage } from './classify';
import { parseVerp } from './verp';

const RETURN_PATH = 'bounces+mocktok7@sender.test';
let mock: MockMailServer;

beforeEach(async () => {
  mock = await startMockMailServer({
    smtpPort: 0,
    smtpsPort: false,
    pop3Port: false,
    imapPort: false,
    httpPort: 0,
  });
});
afterEach(async () => {
  await mock?.close();
});

describe('reports of the mock mail server', () => {
  it('classifies its hard, soft and delayed DSNs and its ARF complaint, with status, Message-ID and VERP token', async () => {
    mock.faults.set([
      { stage: 'rcpt', match: 'hard@dest.test', action: 'bounce', kind: 'hard' },
      { stage: 'rcpt', match: 'soft@dest.test', action: 'bounce', kind: 'soft' },
      { stage: 'rcpt', match: 'later@dest.test', action: 'bounce', kind: 'delayed' },
      { stage: 'rcpt', match: 'angry@dest.test', action: 'complain', feedbackType: 'abuse' },
    ]);
    const after = mock.cursor();
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mock.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      envelope: {
        from: RETURN_PATH,
        to: ['hard@dest.test', 'soft@dest.test', 'later@dest.test', 'angry@dest.test'],
      },
      from: 'shop@sender.test',
      to: 'customers@dest.test',
      subject: 'Your order',
      messageId: '<order-mock-1@sender.test>',
      text: 'Thanks.',
    });
    transport.close();

    // Wait for the four reports in the sender's mailbox, one after the other.
    const reports: Buffer[] = [];
    let cursor = after;
    for (let i = 0; i < 4; i++) {
      const m = await mock.waitFor({ to: RETURN_PATH, after: cursor, timeoutMs: 20_000 });
      cursor = m.cursor;
      reports.push((await mock.raw(m.id))!);
    }
    const options = { verpAddress: (a: string) => parseVerp(a, 'bounces@sender.test')?.token ?? null };
    const got = await Promise.all(reports.map((r) => classifyMessage(r, options)));
    const summary = got
      .map((c) =>
        c.kind === 'bounce'
          ? {
              kind: c.kind,
              recipients: c.recipients.map((r) => [r.address, r.status, r.kind]),
              id: c.originalMessageId,
              verp: c.verpToken,
            }
          : c.kind === 'complaint'
            ? {
                kind: c.kind,
                recipients: c.recipients,
                type: c.feedbackType,
                id: c.originalMessageId,
                verp: c.verpToken,
              }
            : c,
      )
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const base = { id: '<order-mock-1@sender.test>', verp: 'mocktok7' };
    expect(summary).toEqual(
      [
        { kind: 'bounce', recipients: [['hard@dest.test', '5.1.1', 'hard']], ...base },
        { kind: 'bounce', recipients: [['soft@dest.test', '4.2.2', 'soft']], ...base },
        { kind: 'bounce', recipients: [['later@dest.test', '4.4.1', 'delayed']], ...base },
        { kind: 'complaint', recipients: ['angry@dest.test'], type: 'abuse', ...base },
      ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
  });
});
