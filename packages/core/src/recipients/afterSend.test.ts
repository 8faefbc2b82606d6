import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Classification } from '../bounces';
import { classifyMessage } from '../bounces';
import { createContext, systemActor } from '../context';
import { newId } from '../ids';
import { getMessage } from '../outbox/getMessage';
import { sendMessage } from '../outbox/sendMessage';
import { failure, mockAccount } from '../outbox/testkit';
import { readToken } from '../outbox/verp';
import { deliveryReport } from '../reports';
import {
  addSuppression,
  exportSuppressions,
  importSuppressions,
  listSuppressions,
  removeSuppression,
} from '../suppressions';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { applyReport } from './applyReport';
import { classifyFetched } from './bounceMailbox';

/** A DSN as a receiving server writes it, for a message Mailroom sent (its Message-ID returned). */
function dsn(o: {
  to: string;
  messageId: string;
  status: string;
  action?: string;
  text: string;
  returnTo?: string;
}) {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    `To: ${o.returnTo ?? 'bounces@example.com'}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <dsn-' + newId() + '@mx.example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
    '',
    '--B',
    'Content-Type: text/plain',
    '',
    `Your message to ${o.to} could not be delivered.`,
    '--B',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${o.to}`,
    `Action: ${o.action ?? 'failed'}`,
    `Status: ${o.status}`,
    'Remote-MTA: dns; mx.example.org',
    `Diagnostic-Code: smtp; ${o.text}`,
    '--B',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${o.messageId}`,
    `To: ${o.to}`,
    'Subject: hello',
    '--B--',
    '',
  ].join('\r\n');
}

describe.each(backends)('after the 250 on %s', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: false });
  });
  afterEach(async () => {
    await mock.reset();
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  async function sendAndWait(accountId: string, to: string[]) {
    const r = await sendMessage({
      ctx: env.ctx,
      input: { accountId, to, subject: 'hello', text: 'hi', mode: 'immediate' },
    });
    return r;
  }

  it('keeps the list: add, search, export, import line by line, remove; a second add is a conflict', async () => {
    const added = await addSuppression({
      ctx: env.ctx,
      input: { address: 'Gone@Example.org', detail: 'asked us to stop' },
    });
    expect(added).toMatchObject({
      address: 'gone@example.org',
      reason: 'manual',
      source: 'manual',
      teamId: null,
    });
    expect(
      (await failure(addSuppression({ ctx: env.ctx, input: { address: 'gone@example.org' } }))).code,
    ).toBe('conflict');
    const imported = await importSuppressions({
      ctx: env.ctx,
      csv: 'address,reason\r\nA@example.org,hard_bounce\r\nnot-an-address\r\nb@example.org\r\nGONE@example.org,manual\r\na@example.org,complaint\r\nc@example.org,whatever\r\n',
    });
    expect(imported.added).toBe(2);
    expect(imported.invalid.map((i) => i.line)).toEqual([3, 7]);
    expect(imported.skipped.map((s) => [s.line, s.address])).toEqual([
      [5, 'gone@example.org'],
      [6, 'a@example.org'],
    ]);
    const found = await listSuppressions({ ctx: env.ctx, input: { q: 'a@EX' } });
    expect(found.items.map((i) => i.address)).toEqual(['a@example.org']);
    expect(found.items[0]).toMatchObject({ reason: 'hard_bounce', source: 'import' });
    const csv = await exportSuppressions({ ctx: env.ctx });
    expect(csv.split('\r\n')[0]).toBe('address,reason,scope,source,message_id,detail,created_at,created_by');
    expect(csv).toContain('b@example.org,manual,system,import');
    await removeSuppression({ ctx: env.ctx, id: added.id });
    expect((await listSuppressions({ ctx: env.ctx, input: { q: 'gone' } })).total).toBe(0);
    const viewer = createContext(env.base, {
      ...systemActor,
      role: 'viewer',
      label: 'viewer',
      via: 'session',
    });
    expect((await failure(addSuppression({ ctx: viewer, input: { address: 'x@example.org' } }))).code).toBe(
      'forbidden',
    );
  });

  it('skips a suppressed recipient and sends to the others; with every recipient suppressed nothing is sent', async () => {
    const account = await mockAccount(env.ctx, mock);
    await addSuppression({ ctx: env.ctx, input: { address: 'blocked@example.org', reason: 'complaint' } });
    const r = await sendAndWait(account.id, ['ok@example.org', 'Blocked@example.org']);
    expect(r.outcome).toBe('partially_sent');
    expect(r.message.recipients).toEqual([
      expect.objectContaining({ address: 'ok@example.org', status: 'accepted' }),
      expect.objectContaining({
        address: 'Blocked@example.org',
        status: 'suppressed',
        suppression: expect.objectContaining({ reason: 'complaint' }),
        reply: expect.stringContaining('suppression list'),
      }),
    ]);
    const got = mock.messages();
    expect(got).toHaveLength(1);
    expect(got[0]!.envelope.rcptTo).toEqual(['ok@example.org']);
    const story = await getMessage({ ctx: env.ctx, id: r.message.id });
    expect(story.recipients[1]!.events).toEqual([
      expect.objectContaining({ state: 'suppressed', correlation: 'send' }),
    ]);

    const none = await sendAndWait(account.id, ['blocked@example.org']);
    expect(none.outcome).toBe('suppressed');
    expect(none.message.status).toBe('failed');
    expect(none.message.lastError?.message).toContain('every recipient is on the suppression list');
    expect(mock.messages()).toHaveLength(1);
  });

  it('sends each recipient with its own VERP return path when the account names a bounce address', async () => {
    const account = await mockAccount(env.ctx, mock, { bounceAddress: 'bounces@example.com' });
    const r = await sendAndWait(account.id, ['one@example.org', 'two@example.org']);
    expect(r.outcome).toBe('sent');
    const got = mock.messages();
    expect(got).toHaveLength(2);
    for (const m of got) {
      const [rcpt] = m.envelope.rcptTo;
      const token = m.envelope.mailFrom.match(/^bounces\+([^@]+)@example\.com$/)?.[1];
      expect(token, m.envelope.mailFrom).toBeTruthy();
      const target = readToken(env.base.secrets, token!);
      expect(target?.messageId).toBe(r.message.id);
      expect(r.message.recipients[target!.recipientIndex]!.address).toBe(rcpt);
    }
    // Off by default: the From address is the envelope sender.
    await mock.reset();
    const plain = await mockAccount(env.ctx, mock);
    await sendAndWait(plain.id, ['one@example.org']);
    expect(mock.messages()[0]!.envelope.mailFrom).toMatch(/^sender\d+@example\.com$/);
  });

  it('a hard bounce tied by VERP marks the recipient bounced, suppresses the address and counts in the report', async () => {
    const account = await mockAccount(env.ctx, mock, { bounceAddress: 'bounces@example.com' });
    const r = await sendAndWait(account.id, ['dead@example.org', 'alive@example.org']);
    const dead = mock.messages().find((m) => m.envelope.rcptTo[0] === 'dead@example.org')!;
    // The DSN names no Message-ID: only the return path ties it to the message.
    const raw = dsn({
      to: 'dead@example.org',
      messageId: '<unknown@elsewhere.example>',
      status: '5.1.1',
      text: '550 5.1.1 <dead@example.org>: Recipient address rejected: User unknown',
      returnTo: dead.envelope.mailFrom,
    });
    const c = await classifyFetched(env.ctx, Buffer.from(raw));
    expect(c.kind).toBe('bounce');
    const outcome = await applyReport(env.ctx, c, { inboxMessageId: null, accountId: null });
    expect(outcome).toMatchObject({ messageId: r.message.id, correlation: 'verp' });
    const view = await getMessage({ ctx: env.ctx, id: r.message.id });
    expect(view.status).toBe('partially_sent');
    expect(view.recipients[0]).toMatchObject({
      address: 'dead@example.org',
      status: 'bounced',
      bounceKind: 'hard',
      statusCode: '5.1.1',
      reportingMta: 'mx.example.org',
    });
    expect(view.recipients[0]!.diagnostic).toContain('User unknown');
    expect(view.recipients[0]!.events).toEqual([
      expect.objectContaining({ state: 'bounced', bounceKind: 'hard', status: '5.1.1', correlation: 'verp' }),
    ]);
    const listed = await listSuppressions({ ctx: env.ctx, input: { q: 'dead@example.org' } });
    expect(listed.items[0]).toMatchObject({
      reason: 'hard_bounce',
      source: 'message',
      messageId: r.message.id,
    });
    const report = await deliveryReport({ ctx: env.ctx, input: { groupBy: 'day' } });
    expect(report.totals.hardBounced).toBeGreaterThanOrEqual(1);
    // The next send to it is suppressed.
    expect((await sendAndWait(account.id, ['dead@example.org'])).outcome).toBe('suppressed');
  });

  it('without VERP the returned Message-ID ties a complaint; a forged token or a foreign Message-ID changes nothing', async () => {
    const account = await mockAccount(env.ctx, mock);
    const r = await sendAndWait(account.id, ['angry@example.org']);
    const complaint: Classification = {
      kind: 'complaint',
      format: 'arf',
      feedbackType: 'abuse',
      recipients: ['angry@example.org'],
      originalMessageId: r.message.messageId,
      verpToken: null,
      userAgent: null,
    };
    const o = await applyReport(env.ctx, complaint, { inboxMessageId: null, accountId: null });
    expect(o).toMatchObject({
      correlation: 'headers',
      suppressed: [{ address: 'angry@example.org', reason: 'complaint' }],
    });
    expect((await getMessage({ ctx: env.ctx, id: r.message.id })).recipients[0]!.status).toBe('complained');

    const other = await sendAndWait(account.id, ['fine@example.org']);
    const forged = await applyReport(
      env.ctx,
      {
        ...complaint,
        recipients: ['fine@example.org'],
        originalMessageId: `<${other.message.id}@evil.example>`,
        verpToken: 'aaaaaaaaaaaaaaaaaaaaaaaaaa0-aaaaaaaaaaaaa',
      },
      { inboxMessageId: null, accountId: null },
    );
    expect(forged.messageId).toBeNull();
    expect((await getMessage({ ctx: env.ctx, id: other.message.id })).recipients[0]!.status).toBe('accepted');
  });

  it('soft bounces suppress only after the limit in a row; a delivery starts the count again', async () => {
    const account = await mockAccount(env.ctx, mock);
    const address = `soft-${newId().slice(0, 6)}@example.org`;
    const soft = async () => {
      const r = await sendAndWait(account.id, [address]);
      const c = await classifyMessage(
        dsn({
          to: address,
          messageId: r.message.messageId!,
          status: '4.2.2',
          text: '452 4.2.2 Mailbox full',
        }),
      );
      expect(c.kind).toBe('bounce');
      return applyReport(env.ctx, c, { inboxMessageId: null, accountId: null });
    };
    expect((await soft()).suppressed).toEqual([]);
    expect((await soft()).suppressed).toEqual([]);
    const ok = await sendAndWait(account.id, [address]);
    const delivered = await classifyMessage(
      dsn({
        to: address,
        messageId: ok.message.messageId!,
        status: '2.0.0',
        action: 'delivered',
        text: '250 2.0.0 OK',
      }),
    );
    await applyReport(env.ctx, delivered, { inboxMessageId: null, accountId: null });
    expect((await getMessage({ ctx: env.ctx, id: ok.message.id })).recipients[0]!.status).toBe('delivered');
    expect((await soft()).suppressed).toEqual([]);
    expect((await soft()).suppressed).toEqual([]);
    expect((await soft()).suppressed).toEqual([{ address, reason: 'soft_bounce_limit' }]);
  });
});
