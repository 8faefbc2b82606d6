// A recipient forges a bounce. Everyone who receives a message sent with VERP learns their own return path
// (its token names them, under a MAC they cannot forge) and the message's Message-ID. A DSN sent back to
// that return path naming ANOTHER recipient of the same message must not mark that recipient bounced nor
// put their address on the (system-wide) suppression list: a VERP token speaks for its own recipient only.

import { listSuppressions } from '@mailroom/core';
import { createTestEnv, type TestEnv } from '@mailroom/core/testing';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMessage } from '../../packages/core/src/outbox/getMessage';
import { sendMessage } from '../../packages/core/src/outbox/sendMessage';
import { mockAccount } from '../../packages/core/src/outbox/testkit';
import { applyReport } from '../../packages/core/src/recipients/applyReport';
import { classifyFetched } from '../../packages/core/src/recipients/bounceMailbox';

function forgedDsn(o: { victim: string; messageId: string; returnTo: string }) {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.attacker.example>',
    `To: ${o.returnTo}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <forged-1@mx.attacker.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
    '',
    '--B',
    'Content-Type: text/plain',
    '',
    `Your message to ${o.victim} could not be delivered.`,
    '--B',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.attacker.example',
    '',
    `Final-Recipient: rfc822; ${o.victim}`,
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: smtp; 550 5.1.1 <${o.victim}>: User unknown`,
    '--B',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${o.messageId}`,
    `Return-Path: <${o.returnTo}>`,
    'Subject: hello',
    '--B--',
    '',
  ].join('\r\n');
}

describe('a recipient cannot bounce another recipient of the same message', () => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv('pglite');
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: false });
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  it('a DSN on the attacker’s own VERP return path naming the victim changes nothing for the victim', async () => {
    const account = await mockAccount(env.ctx, mock, { bounceAddress: 'bounces@example.com' });
    const r = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        to: ['attacker@example.org', 'victim@example.org'],
        subject: 'hello',
        text: 'hi',
        mode: 'immediate',
      },
    });
    expect(r.outcome).toBe('sent');
    // What the attacker's copy told them: their own return path and the Message-ID.
    const own = mock.messages().find((m) => m.envelope.rcptTo[0] === 'attacker@example.org')!;
    const raw = forgedDsn({
      victim: 'victim@example.org',
      messageId: r.message.messageId!,
      returnTo: own.envelope.mailFrom,
    });
    const c = await classifyFetched(env.ctx, Buffer.from(raw));
    expect(c.kind).toBe('bounce');
    const outcome = await applyReport(env.ctx, c, { inboxMessageId: null, accountId: null });
    // At most the token's own recipient (the attacker) is affected, as for a forwarded address.
    expect(outcome.suppressed.map((s) => s.address)).not.toContain('victim@example.org');
    const view = await getMessage({ ctx: env.ctx, id: r.message.id });
    expect(view.recipients.find((x) => x.address === 'victim@example.org')?.status).not.toBe('bounced');
    const listed = await listSuppressions({ ctx: env.ctx, input: { q: 'victim@' } });
    expect(listed.items).toEqual([]);
  });
  it('with VERP on, a DSN to the plain bounce address naming only the Message-ID changes nothing', async () => {
    const account = await mockAccount(env.ctx, mock, { bounceAddress: 'bounces@example.com' });
    const r = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        to: ['attacker2@example.org', 'victim2@example.org'],
        subject: 'hello',
        text: 'hi',
        mode: 'immediate',
      },
    });
    expect(r.outcome).toBe('sent');
    const raw = forgedDsn({
      victim: 'victim2@example.org',
      messageId: r.message.messageId!,
      returnTo: 'bounces@example.com',
    });
    const c = await classifyFetched(env.ctx, Buffer.from(raw));
    expect(c.kind).toBe('bounce');
    const outcome = await applyReport(env.ctx, c, { inboxMessageId: null, accountId: null });
    expect(outcome.suppressed).toEqual([]);
    const view = await getMessage({ ctx: env.ctx, id: r.message.id });
    expect(view.recipients.find((x) => x.address === 'victim2@example.org')?.status).not.toBe('bounced');
    expect((await listSuppressions({ ctx: env.ctx, input: { q: 'victim2@' } })).items).toEqual([]);
  });
});
