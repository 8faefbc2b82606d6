import { canRead } from '../accounts/access';
import type { Actor, Ctx } from '../context';
import { MailroomError, notFound } from '../errors';
import type { SendAs, SendAsSource } from '../schemas/defaults';
import { type RouteChoice, resolveRoute } from './resolveRoute';
import { decideSendAs, type RequestedFrom, type SendingAccount } from './sendAs';

/**
 * What a send with these inputs would do: the account and why (routing), the Send-as decision on it,
 * and, when the send would be refused, the error it would be refused with. The routing explanation
 * shows this plan; the send throws its refusal or goes ahead with it, so the two never disagree.
 */
export type RoutePlan = RouteChoice & {
  account: SendingAccount | null;
  sendAs: SendAs | null;
  refusal: MailroomError | null;
};

export type RouteInput = {
  accountId?: string | undefined;
  teamId?: string | null | undefined;
  from?: { address: string; name?: string | undefined } | undefined;
  replyTo?: string | undefined;
};

/** The From a send asks for: its own, else the sending user's profile (a session, or a token standing for a user). */
export function requestedFrom(
  actor: Actor,
  from: RouteInput['from'],
): { from: RequestedFrom | null; source: SendAsSource } {
  if (from) return { from, source: 'request' };
  const mine = actor.sender;
  if (mine?.address || mine?.name) {
    return { from: { address: mine.address ?? undefined, name: mine.name }, source: 'user' };
  }
  return { from: null, source: 'account' };
}

/** Plans a send (see RoutePlan). Throws only for a team the caller may not use; every other refusal is in the plan. */
export async function planRoute(ctx: Ctx, input: RouteInput): Promise<RoutePlan> {
  const teamAdmin = ctx.actor.role === 'team_admin';
  if (teamAdmin && input.teamId && !ctx.actor.teamIds.includes(input.teamId)) throw notFound('Team');
  const asked = requestedFrom(ctx.actor, input.from);

  if (input.accountId) return namedPlan(ctx, input.accountId, asked, input.replyTo);

  // A team admin's send routes among the accounts they may use, exactly as their explanation does.
  const route = await resolveRoute(ctx.db, {
    teamId: input.teamId,
    from: asked.from?.address,
    ...(teamAdmin ? { visibleTeamIds: ctx.actor.teamIds } : {}),
  });
  const { account, ...choice } = route;
  if (!account?.outgoing) {
    return {
      ...choice,
      account: null,
      sendAs: null,
      refusal: new MailroomError('no_route', route.explanation, {
        hint: "Name an accountId, add the From address to an account's Send-as list, or set a default outgoing account.",
        extra: { candidates: route.candidates },
      }),
    };
  }
  const sending = account as SendingAccount;
  if (!canRead(ctx.actor, sending.teamId)) {
    return {
      ...choice,
      account: null,
      sendAs: null,
      refusal: new MailroomError('forbidden', 'The routed account belongs to another team'),
    };
  }
  return withSendAs(choice, sending, asked, input.replyTo);
}

/** A send naming its account (the hot path of the queued API: one batched lookup). */
async function namedPlan(
  ctx: Ctx,
  accountId: string,
  asked: ReturnType<typeof requestedFrom>,
  replyTo: string | undefined,
): Promise<RoutePlan> {
  const row = await ctx.outbox.accounts.get(accountId);
  // An account the caller may not see is "no such account": no existence leak.
  const visible = row && canRead(ctx.actor, row.teamId) ? row : undefined;
  const usable = visible && visible.stage === 'active' && visible.outgoing;
  const why = !visible
    ? 'no such account'
    : `account is ${visible.stage}${visible.outgoing ? '' : ' and has no outgoing settings'}`;
  const choice: RouteChoice = {
    accountId: visible?.id ?? null,
    accountName: visible?.name ?? null,
    reason: usable ? 'account_id' : 'none',
    explanation: usable ? `"${visible.name}" was named by the request` : 'The requested account cannot send',
    candidates: [
      {
        rule: 'account_id',
        accountId: visible?.id ?? accountId,
        accountName: visible?.name ?? null,
        matched: Boolean(usable),
        detail: usable ? 'named by the request' : why,
      },
    ],
  };
  if (!usable) {
    const refusal = visible
      ? new MailroomError(
          'account_not_usable',
          'The account cannot send: it is not active or has no outgoing settings',
          { errors: [{ path: 'accountId', message: why }] },
        )
      : new MailroomError('account_not_usable', 'accountId does not name an account', {
          errors: [{ path: 'accountId', message: why }],
        });
    return { ...choice, account: null, sendAs: null, refusal };
  }
  return withSendAs(choice, visible as SendingAccount, asked, replyTo);
}

function withSendAs(
  choice: RouteChoice,
  account: SendingAccount,
  asked: ReturnType<typeof requestedFrom>,
  replyTo: string | undefined,
): RoutePlan {
  const sendAs = decideSendAs(account, { ...asked, replyTo });
  const refusal =
    sendAs.outcome === 'refused'
      ? new MailroomError('validation_failed', sendAs.detail, {
          errors: [
            {
              path: 'from.address',
              message: `the account "${account.name}" may not send as ${sendAs.requested?.address}`,
            },
          ],
          ...(sendAs.hint ? { hint: sendAs.hint } : {}),
          extra: { sendAs },
        })
      : null;
  return { ...choice, account, sendAs, refusal };
}
