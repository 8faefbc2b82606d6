// Bounce reports and the suppressions they add stay within the team they belong to.
// 1. Anyone can mail a team's bounce mailbox, and a team admin can point their own bounce mailbox anywhere:
//    a report fetched by team A's bounce mailbox must not bounce or suppress recipients of team B's
//    messages. A system bounce mailbox (no team) reports on any message.
// 2. A bounce of team B's message puts the address on the system-wide list, which team A's admin reads:
//    they see the address and the reason, never B's message id or the bounce's diagnostic.
// 3. Team admins read the inbox of system accounts: a report a system bounce mailbox fetched about team
//    B's message (recipient, diagnostic, the message's headers quoted) is not team A's to read there
//    either, in the list, the message or its source. Before the fix team A's admin read all three.

import {
  createAccount,
  createTeam,
  exportSuppressions,
  getInboxMessage,
  getInboxRaw,
  listInbox,
  listSuppressions,
  listTimeline,
  newId,
  queryLogs,
  tables,
} from '@mailroom/core';
import { createTestEnv, type TestEnv } from '@mailroom/core/testing';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMessage } from '../../packages/core/src/outbox/getMessage';
import { sendMessage } from '../../packages/core/src/outbox/sendMessage';
import { applyReport } from '../../packages/core/src/recipients/applyReport';
import { BounceReports, classifyFetched } from '../../packages/core/src/recipients/bounceMailbox';

const DIAGNOSTIC = 'smtp; 550 5.1.1 secret-routing-detail mx7.team-b-internal.example';

function dsn(o: { victim: string; messageId: string }) {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    'To: bounces@example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <dsn-1@mx.example.org>',
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
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${o.victim}`,
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: ${DIAGNOSTIC}`,
    '--B',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${o.messageId}`,
    'Subject: hello',
    '--B--',
    '',
  ].join('\r\n');
}

describe('bounce reports and suppressions stay within their team', () => {
  let env: TestEnv;
  let mock: MockMailServer;
  let teamA: string;
  let teamB: string;
  let senderB: string;
  let n = 0;

  /** An incoming account marked as a bounce mailbox, of `teamId` (null: the system's). Never fetched here. */
  async function bounceMailbox(teamId: string | null) {
    n += 1;
    const a = await createAccount({
      ctx: env.ctx,
      input: {
        name: `Bounces ${n}`,
        ...(teamId ? { teamId } : {}),
        incoming: {
          protocol: 'pop3',
          host: '127.0.0.1',
          port: 1,
          security: 'none',
          auth: { method: 'password', username: `bounces${n}`, password: 'x' },
          bounceMailbox: true,
        },
      },
    });
    return a.id;
  }

  async function sendB(to: string) {
    const r = await sendMessage({
      ctx: env.ctx,
      input: { accountId: senderB, to: [to], subject: 'hello', text: 'hi', mode: 'immediate' },
    });
    expect(r.outcome).toBe('sent');
    return r.message;
  }

  async function report(accountId: string, victim: string, messageId: string) {
    const c = await classifyFetched(env.ctx, Buffer.from(dsn({ victim, messageId })));
    expect(c.kind).toBe('bounce');
    return applyReport(env.ctx, c, { inboxMessageId: null, accountId });
  }

  beforeAll(async () => {
    env = await createTestEnv('pglite');
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: false });
    teamA = (await createTeam({ ctx: env.ctx, input: { name: 'Team A' } })).id;
    teamB = (await createTeam({ ctx: env.ctx, input: { name: 'Team B' } })).id;
    senderB = (
      await createAccount({
        ctx: env.ctx,
        input: {
          name: 'Sender B',
          teamId: teamB,
          outgoing: {
            transport: 'smtp',
            host: '127.0.0.1',
            port: mock.smtpPort,
            security: 'none',
            from: { address: 'news@team-b.example' },
            sendMode: 'queued',
          },
        },
      })
    ).id;
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  it("team A's bounce mailbox cannot bounce or suppress a recipient of team B's message", async () => {
    const m = await sendB('victim@example.org');
    const mailboxA = await bounceMailbox(teamA);
    const outcome = await report(mailboxA, 'victim@example.org', m.messageId!);
    // Recorded as a report tied to no message, as one naming no message of ours is.
    expect(outcome.messageId).toBeNull();
    expect(outcome.suppressed).toEqual([]);
    expect(outcome.recipients).toEqual([]);
    expect(outcome.logs).toHaveLength(1);
    expect(outcome.logs[0]!.level).toBe('warning');
    expect(outcome.logs[0]!.accountId).toBe(mailboxA);
    // The log says no more than for a Message-ID that is not ours (it quotes only what the report said).
    expect(outcome.logs[0]!.message).not.toContain(m.id);
    expect(outcome.logs[0]!.context).not.toHaveProperty('messageId');
    // Nor does its context quote the report's Message-ID (B's, here): the stored report is read through the inbox.
    expect(JSON.stringify(outcome.logs[0]!.context)).not.toContain(m.id);
    const view = await getMessage({ ctx: env.ctx, id: m.id });
    expect(view.recipients[0]!.status).toBe('accepted');
    expect((await listSuppressions({ ctx: env.ctx, input: { q: 'victim@' } })).items).toEqual([]);
  });

  it("team B's own and a system bounce mailbox do apply it", async () => {
    const m1 = await sendB('own@example.org');
    const own = await report(await bounceMailbox(teamB), 'own@example.org', m1.messageId!);
    expect(own.messageId).toBe(m1.id);
    expect(own.suppressed.map((s) => s.address)).toEqual(['own@example.org']);
    const m2 = await sendB('sys@example.org');
    const sys = await report(await bounceMailbox(null), 'sys@example.org', m2.messageId!);
    expect(sys.messageId).toBe(m2.id);
    expect(sys.suppressed.map((s) => s.address)).toEqual(['sys@example.org']);
  });

  it("team A's admin sees B's bounce suppression without B's message id or diagnostic", async () => {
    const m = await sendB('gone@example.org');
    const applied = await report(await bounceMailbox(teamB), 'gone@example.org', m.messageId!);
    expect(applied.suppressed.map((s) => s.address)).toEqual(['gone@example.org']);

    const adminA = env.as({ role: 'team_admin', teamIds: [teamA], label: 'a@test' });
    const listed = await listSuppressions({ ctx: adminA, input: { q: 'gone@' } });
    expect(listed.items).toHaveLength(1);
    const entry = listed.items[0]!;
    expect(entry.address).toBe('gone@example.org');
    expect(entry.reason).toBe('hard_bounce');
    expect(entry.teamId).toBeNull();
    expect(entry.messageId).toBeNull();
    expect(entry.detail).toBeNull();
    const csv = await exportSuppressions({ ctx: adminA });
    expect(csv).toContain('gone@example.org');
    expect(csv).not.toContain(m.id);
    expect(csv).not.toContain('secret-routing-detail');

    // Team B's admin and an admin see it all.
    const adminB = env.as({ role: 'team_admin', teamIds: [teamB], label: 'b@test' });
    for (const ctx of [adminB, env.ctx]) {
      const [e] = (await listSuppressions({ ctx, input: { q: 'gone@' } })).items;
      expect(e?.messageId).toBe(m.id);
      expect(e?.detail).toContain('secret-routing-detail');
      const full = await exportSuppressions({ ctx });
      expect(full).toContain(m.id);
      expect(full).toContain('secret-routing-detail');
    }
  });

  it("team A's admin does not read a system bounce mailbox's reports about B's messages, in the inbox", async () => {
    const m = await sendB('reported@example.org');
    const system = await bounceMailbox(null);
    /** A fetched mail of the system mailbox, stored as fetching stores it. */
    const store = async (kind: 'mail' | 'bounce', raw: string) => {
      const id = newId();
      await env.database.db.insert(tables.inboxMessages).values({
        id,
        accountId: system,
        protocol: 'pop3',
        uidl: id,
        subject: kind === 'mail' ? 'Hello from a customer' : 'Undelivered Mail Returned to Sender',
        size: raw.length,
        raw,
        text: raw,
        kind,
      });
      return id;
    };
    // One fetch of the system mailbox: a report on B's message, one naming no message of ours, a mail.
    const fetch = new BounceReports(env.ctx, system);
    const raw = dsn({ victim: 'reported@example.org', messageId: m.messageId! });
    const tied = await store('bounce', raw);
    await fetch.apply(await classifyFetched(env.ctx, Buffer.from(raw)), tied);
    const rawUntied = dsn({ victim: 'nobody@example.org', messageId: '<x@elsewhere>' });
    const untied = await store('bounce', rawUntied);
    await fetch.apply(await classifyFetched(env.ctx, Buffer.from(rawUntied)), untied);
    await fetch.finish();
    expect((await getMessage({ ctx: env.ctx, id: m.id })).recipients[0]!.status).toBe('bounced');
    const mail = await store('mail', 'Subject: Hello from a customer\r\n\r\nhi');

    const listed = async (ctx: typeof env.ctx) =>
      (await listInbox({ ctx, input: { kind: 'all', accountId: system, pageSize: 100 } })).items
        .map((i) => i.id)
        .sort();
    const adminA = env.as({ role: 'team_admin', teamIds: [teamA], label: 'a@test' });
    expect(await listed(adminA)).toEqual([mail]);
    await expect(getInboxMessage({ ctx: adminA, id: tied })).rejects.toThrow(/not found/i);
    await expect(getInboxRaw({ ctx: adminA, id: tied })).rejects.toThrow(/not found/i);
    await expect(getInboxRaw({ ctx: adminA, id: untied })).rejects.toThrow(/not found/i);
    expect((await getInboxMessage({ ctx: adminA, id: mail })).id).toBe(mail);

    // The fetch's summary on the system mailbox's timeline and in the Main Log, which every team admin
    // reads, names no message (it listed the ids of the messages the reports were about).
    const timeline = await listTimeline({ ctx: adminA, id: system });
    expect(timeline.some((e) => e.type === 'bounce_reports')).toBe(true);
    expect(JSON.stringify(timeline)).not.toContain(m.id);
    const log = await queryLogs({ ctx: adminA, input: { accountId: system, pageSize: 200 } });
    expect(log.items.some((r) => r.message.startsWith('Bounce mailbox:'))).toBe(true);
    expect(JSON.stringify(log.items)).not.toContain(m.id);

    // Team B's admin reads the report on their message; an admin reads everything.
    const adminB = env.as({ role: 'team_admin', teamIds: [teamB], label: 'b@test' });
    expect(await listed(adminB)).toEqual([mail, tied].sort());
    expect(await getInboxRaw({ ctx: adminB, id: tied })).toContain('secret-routing-detail');
    expect(await listed(env.ctx)).toEqual([mail, tied, untied].sort());
    // A team admin of no team reads the system's ordinary mail only.
    const adminNone = env.as({ role: 'team_admin', teamIds: [], label: 'n@test' });
    expect(await listed(adminNone)).toEqual([mail]);
  });
});
