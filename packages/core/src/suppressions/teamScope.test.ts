import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { createTeam, updateTeam } from '../auth/teams';
import type { Classification } from '../bounces';
import { logs } from '../db/schema';
import { newId } from '../ids';
import { sendMessage } from '../outbox/sendMessage';
import { failure } from '../outbox/testkit';
import { applyReport } from '../recipients/applyReport';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { listSuppressions } from '.';

describe.each(backends)("a team's suppression scope on %s", (backend) => {
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

  /** A team with one SMTP account sending to the mock. */
  async function teamWithAccount(name: string, suppressionScope?: 'system' | 'team') {
    const team = await createTeam({
      ctx: env.ctx,
      input: { name: `${name} ${newId().slice(0, 6)}`, ...(suppressionScope ? { suppressionScope } : {}) },
    });
    const account = await createAccount({
      ctx: env.ctx,
      input: {
        name: `${team.name} desk`,
        teamId: team.id,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          from: { address: `desk-${team.id.slice(0, 6).toLowerCase()}@example.com` },
          sendMode: 'queued',
        },
      },
    });
    return { team, account };
  }

  const send = (accountId: string, to: string) =>
    sendMessage({
      ctx: env.ctx,
      input: { accountId, to: [to], subject: 'hello', text: 'hi', mode: 'immediate' },
    });

  /** A hard bounce (or a soft one) for `to`, tied to the message by its returned Message-ID. */
  const bounce = (to: string, messageId: string, kind: 'hard' | 'soft' = 'hard'): Classification => ({
    kind: 'bounce',
    format: 'rfc3464',
    rfc3464: true,
    reportingMta: 'mx.example.org',
    recipients: [
      {
        address: to,
        action: kind === 'hard' ? 'failed' : 'delayed',
        status: kind === 'hard' ? '5.1.1' : '4.2.2',
        kind,
        diagnostic: kind === 'hard' ? '550 5.1.1 User unknown' : '452 4.2.2 Mailbox full',
        remoteMta: 'mx.example.org',
      },
    ],
    originalMessageId: messageId,
    verpToken: null,
  });

  const entries = async (address: string) =>
    (await listSuppressions({ ctx: env.ctx, input: { q: address } })).items.map((s) => ({
      teamId: s.teamId,
      reason: s.reason,
      source: s.source,
    }));

  it("a hard bounce on a team-scoped team's message suppresses the address for that team only", async () => {
    const own = await teamWithAccount('Own list', 'team');
    const other = await teamWithAccount('Others');
    expect(own.team.suppressionScope).toBe('team');
    expect(other.team.suppressionScope).toBe('system');
    const address = `dead-${newId().slice(0, 6).toLowerCase()}@example.org`;

    const first = await send(own.account.id, address);
    expect(first.outcome).toBe('sent');
    const outcome = await applyReport(env.ctx, bounce(address, first.message.messageId!), {
      inboxMessageId: null,
      accountId: null,
    });
    expect(outcome.suppressed).toEqual([{ address, reason: 'hard_bounce' }]);
    // Reason and source as for a system entry; the scope is the team's.
    expect(await entries(address)).toEqual([
      { teamId: own.team.id, reason: 'hard_bounce', source: 'message' },
    ]);
    // The Main Log row the caller writes says which list.
    const log = outcome.logs.find((l) => l.message.includes('suppression list'));
    expect(log).toMatchObject({
      message: `${address} added to the team's suppression list (hard bounce) after message ${first.message.id}`,
      context: { teamId: own.team.id, reason: 'hard_bounce' },
    });

    // The team's next send to it is suppressed and says it is the team's list.
    const again = await send(own.account.id, address);
    expect(again.outcome).toBe('suppressed');
    expect(again.message.recipients[0]).toMatchObject({
      status: 'suppressed',
      suppression: { reason: 'hard_bounce', teamId: own.team.id },
      reply: expect.stringContaining("team's suppression list"),
    });
    // Another team still mails it.
    await mock.reset();
    const elsewhere = await send(other.account.id, address);
    expect(elsewhere.outcome).toBe('sent');
    expect(elsewhere.message.recipients[0]).toMatchObject({ status: 'accepted' });
    expect(mock.messages().map((m) => m.envelope.rcptTo)).toEqual([[address]]);
  });

  it('a complaint and the soft-bounce limit follow the team scope too', async () => {
    const own = await teamWithAccount('Own complaints', 'team');
    const complainer = `angry-${newId().slice(0, 6).toLowerCase()}@example.org`;
    const r = await send(own.account.id, complainer);
    await applyReport(
      env.ctx,
      {
        kind: 'complaint',
        format: 'arf',
        feedbackType: 'abuse',
        recipients: [complainer],
        originalMessageId: r.message.messageId,
        verpToken: null,
        userAgent: null,
      },
      { inboxMessageId: null, accountId: null },
    );
    expect(await entries(complainer)).toEqual([
      { teamId: own.team.id, reason: 'complaint', source: 'message' },
    ]);

    const full = `full-${newId().slice(0, 6).toLowerCase()}@example.org`;
    let last: Awaited<ReturnType<typeof applyReport>> | undefined;
    for (let i = 0; i < env.ctx.config.softBounceLimit; i += 1) {
      const m = await send(own.account.id, full);
      last = await applyReport(env.ctx, bounce(full, m.message.messageId!, 'soft'), {
        inboxMessageId: null,
        accountId: null,
      });
    }
    expect(last?.suppressed).toEqual([{ address: full, reason: 'soft_bounce_limit' }]);
    expect(await entries(full)).toEqual([
      { teamId: own.team.id, reason: 'soft_bounce_limit', source: 'message' },
    ]);
  });

  it('a system-scoped team (the default) still suppresses for everyone; switching scope applies from then on', async () => {
    const shared = await teamWithAccount('Shared list');
    const own = await teamWithAccount('Own list later', 'team');
    const address = `gone-${newId().slice(0, 6).toLowerCase()}@example.org`;
    const r = await send(shared.account.id, address);
    await applyReport(env.ctx, bounce(address, r.message.messageId!), {
      inboxMessageId: null,
      accountId: null,
    });
    expect(await entries(address)).toEqual([{ teamId: null, reason: 'hard_bounce', source: 'message' }]);
    // A system entry stops every team, a team-scoped one included.
    const blocked = await send(own.account.id, address);
    expect(blocked.outcome).toBe('suppressed');
    expect(blocked.message.recipients[0]).toMatchObject({
      suppression: { teamId: null },
      reply: expect.stringContaining('system suppression list'),
    });

    // Switched to its own list: the next bounce on its messages goes there; the earlier entry stays system.
    const switched = await updateTeam({
      ctx: env.ctx,
      id: shared.team.id,
      input: { suppressionScope: 'team' },
    });
    expect(switched).toMatchObject({ name: shared.team.name, suppressionScope: 'team' });
    const later = `later-${newId().slice(0, 6).toLowerCase()}@example.org`;
    const m = await send(shared.account.id, later);
    await applyReport(env.ctx, bounce(later, m.message.messageId!), {
      inboxMessageId: null,
      accountId: null,
    });
    expect(await entries(later)).toEqual([
      { teamId: shared.team.id, reason: 'hard_bounce', source: 'message' },
    ]);
    expect(await entries(address)).toEqual([{ teamId: null, reason: 'hard_bounce', source: 'message' }]);
    const [audit] = await env.database.db
      .select()
      .from(logs)
      .where(
        eq(logs.message, `Team “${shared.team.name}” automatic suppressions now go to the team's own list`),
      );
    expect(audit?.context).toMatchObject({
      changes: { suppressionScope: { from: 'system', to: 'team' } },
    });
  });

  it('only admins set the scope; a bad value is refused', async () => {
    const { team } = await teamWithAccount('Guarded');
    const lead = env.as({ role: 'team_admin', teamIds: [team.id] });
    expect(
      (await failure(updateTeam({ ctx: lead, id: team.id, input: { suppressionScope: 'team' } }))).code,
    ).toBe('forbidden');
    expect(
      (await failure(updateTeam({ ctx: env.ctx, id: team.id, input: { suppressionScope: 'everyone' } })))
        .code,
    ).toBe('validation_failed');
    expect((await failure(updateTeam({ ctx: env.ctx, id: team.id, input: {} }))).code).toBe(
      'validation_failed',
    );
    expect(
      (await failure(createTeam({ ctx: lead, input: { name: 'Mine', suppressionScope: 'team' } }))).code,
    ).toBe('forbidden');
  });
});
