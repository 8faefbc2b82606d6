// One decision for From: the routing explanation and the send run the same plan, so for every From
// and every account setting they agree on the account, the From, the Reply-To, and on refusing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts';
import { createTeam } from '../auth';
import type { Ctx } from '../context';
import { setDefault } from '../defaults';
import { MailroomError } from '../errors';
import { sendMessage } from '../outbox/sendMessage';
import type { RoutingExplain } from '../schemas/defaults';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { explainRoute } from '.';

/** The account settings of the table: each is the only account (and the default) of its own team. */
const settings = {
  'sales list, refuse': {
    from: { address: 'sales@example.com', name: 'Sales' },
    fromFilter: ['sales@example.com', 'example.com'],
  },
  'sales list, rewrite': {
    from: { address: 'sales@example.com', name: 'Sales' },
    fromFilter: ['sales@example.com', 'example.com'],
    fromNotAllowed: 'rewrite',
    replyTo: 'desk@example.com',
  },
  'empty list': { from: { address: 'ops@example.org' }, fromFilter: [] },
  'domain with @, rewrite': {
    from: { address: 'support@example.org', name: 'Support' },
    fromFilter: ['@example.net'],
    fromNotAllowed: 'rewrite',
  },
  'one address, refuse': {
    from: { address: 'billing@example.com' },
    fromFilter: ['billing@example.com'],
    fromNotAllowed: 'refuse',
  },
} as const;
type Setting = keyof typeof settings;

const froms = [
  undefined,
  'sales@example.com',
  'SALES@Example.COM',
  'x@example.com',
  'a@sub.example.com',
  'anyone@example.net',
  'ops@example.org',
  'billing@example.com',
] as const;

/** Who sends: an admin without a profile, and one whose profile names a sending address. */
const senders = {
  plain: {},
  'with a profile': { sender: { name: 'Ann Lee', address: 'ann@example.net' } },
  'with a display name only': { sender: { name: 'Ann Lee', address: null } },
} as const;

type Outcome =
  | { sent: true; accountId: string | null; from: unknown; replyTo: unknown; sendAs: unknown; reason: string }
  | { sent: false; code: string; message: string; hint: string | undefined; errors: unknown };

function fromExplain(e: RoutingExplain, accountReplyTo: string | undefined): Outcome {
  if (!e.sendable) {
    return {
      sent: false,
      code: e.refusal!.code,
      message: e.refusal!.message,
      hint: e.refusal!.hint,
      errors: e.refusal!.errors,
    };
  }
  return {
    sent: true,
    accountId: e.accountId,
    from: e.sendAs!.from,
    replyTo: e.sendAs!.replyTo ?? accountReplyTo ?? null,
    sendAs: e.sendAs,
    reason: e.reason,
  };
}

async function fromSend(ctx: Ctx, input: Record<string, unknown>): Promise<Outcome> {
  try {
    const { message } = await sendMessage({
      ctx,
      input: { to: ['customer@example.org'], subject: 'Agreement', text: 'Hi', mode: 'queued', ...input },
    });
    return {
      sent: true,
      accountId: message.accountId,
      from: message.from,
      replyTo: message.replyTo,
      sendAs: message.sendAs,
      reason: message.route.reason,
    };
  } catch (e) {
    if (!(e instanceof MailroomError)) throw e;
    return { sent: false, code: e.code, message: e.message, hint: e.hint, errors: e.errors };
  }
}

describe.each(backends)('explain and send agree on %s', (backend) => {
  let env: TestEnv;
  const teams = {} as Record<Setting | 'no default', string>;
  const accounts = {} as Record<Setting, string>;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    for (const [name, outgoing] of Object.entries(settings) as Array<[Setting, Record<string, unknown>]>) {
      const team = await createTeam({ ctx: env.ctx, input: { name: `Team ${name}` } });
      const account = await createAccount({
        ctx: env.ctx,
        input: {
          name: `Account ${name}`,
          teamId: team.id,
          // Never contacted: queued sends are stored and no worker runs.
          outgoing: { transport: 'smtp', host: 'smtp.example.com', sendMode: 'queued', ...outgoing },
        },
      });
      await setDefault({
        ctx: env.ctx,
        input: { teamId: team.id, direction: 'outgoing', accountId: account.id },
      });
      teams[name] = team.id;
      accounts[name] = account.id;
    }
    teams['no default'] = (await createTeam({ ctx: env.ctx, input: { name: 'Team without default' } })).id;
  });
  afterAll(async () => {
    await env?.close();
  });

  const cells = (Object.keys(senders) as Array<keyof typeof senders>).flatMap((sender) =>
    [...(Object.keys(settings) as Setting[]), 'no default' as const].flatMap((setting) =>
      froms.flatMap((from) =>
        (['routed', 'named'] as const)
          .filter((how) => how === 'routed' || setting !== 'no default')
          .map((how) => ({ sender, setting, from, how })),
      ),
    ),
  );

  it(`gives the same answer for ${cells.length} sends (From × account setting × sender × routed or named)`, async () => {
    const seen = new Set<string>();
    for (const { sender, setting, from, how } of cells) {
      const ctx = env.as({ ...senders[sender], label: `agreement-${sender}` });
      const target =
        how === 'named' && setting !== 'no default'
          ? { accountId: accounts[setting] }
          : { teamId: teams[setting] };
      const explained = await explainRoute({ ctx, input: { ...target, ...(from ? { from } : {}) } });
      const accountReplyTo =
        setting === 'no default' ? undefined : (settings[setting] as { replyTo?: string }).replyTo;
      seen.add(explained.sendAs?.outcome ?? explained.refusal?.code ?? 'none');
      const sent = await fromSend(ctx, { ...target, ...(from ? { from: { address: from } } : {}) });
      expect(sent, `${sender} / ${setting} / ${from ?? '(no from)'} / ${how}`).toEqual(
        fromExplain(explained, accountReplyTo),
      );
    }
    // The table reaches every decision, so agreeing is not agreeing on one answer.
    expect([...seen].sort()).toEqual(['allowed', 'no_route', 'refused', 'rewritten']);
  });

  it('says why a From the account may not send as is refused, with a hint, before any send', async () => {
    const e = await explainRoute({
      ctx: env.ctx,
      input: { teamId: teams['sales list, refuse'], from: 'anyone@example.net' },
    });
    expect(e).toMatchObject({
      accountName: 'Account sales list, refuse',
      reason: 'team_default',
      sendable: false,
      sendAs: { outcome: 'refused', source: 'request', from: null },
      refusal: {
        code: 'validation_failed',
        status: 400,
        errors: [
          {
            path: 'from.address',
            message: 'the account "Account sales list, refuse" may not send as anyone@example.net',
          },
        ],
      },
    });
    expect(e.refusal?.message).toContain('not on its Send-as list (sales@example.com, example.com)');
    expect(e.refusal?.hint).toContain('rewrite such a From');
  });

  it('rewrites a From the account may not send as to its own address, with the asked one as Reply-To', async () => {
    const e = await explainRoute({
      ctx: env.ctx,
      input: { teamId: teams['sales list, rewrite'], from: 'anyone@example.net' },
    });
    expect(e).toMatchObject({
      sendable: true,
      sendAs: {
        outcome: 'rewritten',
        requested: { address: 'anyone@example.net' },
        from: { address: 'sales@example.com', name: 'Sales' },
        replyTo: 'anyone@example.net',
      },
    });
    // A Reply-To the send names itself is kept.
    const own = await sendMessage({
      ctx: env.ctx,
      input: {
        teamId: teams['sales list, rewrite'],
        from: { address: 'anyone@example.net', name: 'Anyone' },
        replyTo: 'replies@example.net',
        to: ['customer@example.org'],
        subject: 'Rewritten',
        text: 'Hi',
      },
    });
    expect(own.message).toMatchObject({
      from: { address: 'sales@example.com', name: 'Anyone' },
      replyTo: 'replies@example.net',
      sendAs: { outcome: 'rewritten', replyTo: 'replies@example.net' },
    });
  });

  it("uses a user's sending address and display name for a send without From, under the same rule", async () => {
    const ann = env.as({ sender: { name: 'Ann Lee', address: 'ann@example.net' }, label: 'ann@test' });
    const allowed = await sendMessage({
      ctx: ann,
      input: { teamId: teams['domain with @, rewrite'], to: ['c@example.org'], subject: 'Mine', text: 'Hi' },
    });
    expect(allowed.message).toMatchObject({
      from: { address: 'ann@example.net', name: 'Ann Lee' },
      sendAs: { outcome: 'allowed', source: 'user' },
    });
    const refused = await explainRoute({ ctx: ann, input: { teamId: teams['one address, refuse'] } });
    expect(refused).toMatchObject({ sendable: false, sendAs: { outcome: 'refused', source: 'user' } });
    expect(refused.refusal?.hint).toContain('Change the sending address of your profile');
    // A display name alone names the account's own address.
    const named = env.as({ sender: { name: 'Ann Lee', address: null }, label: 'ann2@test' });
    const own = await sendMessage({
      ctx: named,
      input: { teamId: teams['one address, refuse'], to: ['c@example.org'], subject: 'Named', text: 'Hi' },
    });
    expect(own.message.from).toEqual({ address: 'billing@example.com', name: 'Ann Lee' });
  });
});
