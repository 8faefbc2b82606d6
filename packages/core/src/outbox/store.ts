import { and, eq, gt, isNull, type SQL } from 'drizzle-orm';
import type { AccountRow } from '../accounts/types';
import type { Actor, Ctx } from '../context';
import { messages } from '../db/schema';
import { forbidden, MailroomError } from '../errors';
import { newId } from '../ids';
import { planRoute, type RouteInput, type RoutePlan } from '../routing/planRoute';
import type { SendingAccount } from '../routing/sendAs';
import type { RouteReason, SendAs } from '../schemas/defaults';
import { visibleTo } from './listMessages';
import type { MessageRow } from './rows';

/** Viewers may not send mail; admins and team admins may, through accounts they can see. */
export function assertCanSend(ctx: Ctx): void {
  if (ctx.actor.role === 'viewer') throw forbidden('Viewers cannot send mail');
}

/** A send's plan once it passed: the account and the Send-as decision it goes ahead with. */
export type SendPlan = RoutePlan & { account: SendingAccount; sendAs: SendAs };

/**
 * Routes a send and applies Send-as, through the same plan the routing explanation shows (planRoute):
 * what the explanation calls a refusal is thrown here as the error it names.
 */
export async function routeSend(ctx: Ctx, input: RouteInput): Promise<SendPlan> {
  const plan = await planRoute(ctx, input);
  if (plan.refusal) throw plan.refusal;
  if (!plan.account || !plan.sendAs) throw new MailroomError('internal', 'A send plan without an account');
  return { ...plan, account: plan.account, sendAs: plan.sendAs };
}

/** The From and Reply-To a planned send carries: as Send-as decided (a rewrite sets the Reply-To). */
export function sendFields(
  plan: SendPlan,
  replyTo: string | undefined,
): { from: { address: string; name: string | null }; replyTo: string | undefined } {
  // Never null on a plan that passed: a refused From is thrown by routeSend.
  const from = plan.sendAs.from ?? plan.account.outgoing.from;
  return {
    from: { address: from.address, name: from.name ?? null },
    replyTo: plan.sendAs.replyTo ?? replyTo,
  };
}

/** Every envelope recipient once (case-insensitive), pending until an attempt says otherwise. */
export function pendingRecipients(to: string[], cc: string[], bcc: string[]): MessageRow['recipients'] {
  const seen = new Set<string>();
  const out: MessageRow['recipients'] = [];
  for (const address of [...to, ...cc, ...bcc]) {
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ address, status: 'pending', reply: null });
  }
  return out;
}

export type NewMessage = typeof messages.$inferInsert;

/**
 * The team of a send through a system-level account that names none: a team admin's (or team token's)
 * only team, so what one team sends through a shared account is that team's and no other team reads it
 * (`visibleTo`). One of several teams cannot be guessed: such a send must name its teamId.
 */
function senderTeam(ctx: Ctx): string | null {
  if (ctx.actor.role !== 'team_admin') return null;
  const [only, ...more] = ctx.actor.teamIds;
  if (only === undefined) return null;
  if (more.length > 0) {
    throw new MailroomError(
      'validation_failed',
      'teamId is required: say which of your teams sends through this system-level account',
      { errors: [{ path: 'teamId', message: 'is required for a send through a system-level account' }] },
    );
  }
  return only;
}

/**
 * A new message row for a routed account, with the Send-as decision that gave its From when there was
 * one (`sendFields` turns a plan into From and Reply-To); queued rows are due now, immediate ones are
 * leased to the request.
 */
export function newMessageRow(
  ctx: Ctx,
  route: { account: AccountRow; reason: RouteReason; explanation: string; sendAs?: SendAs | undefined },
  m: {
    from: { address: string; name: string | null };
    to: string[];
    cc: string[];
    bcc: string[];
    replyTo?: string | undefined;
    subject: string;
    text?: string | undefined;
    html?: string | undefined;
    headers: Record<string, string>;
    attachments: MessageRow['attachments'];
    mode: 'immediate' | 'queued';
    teamId?: string | null | undefined;
  },
  extra: Partial<MessageRow> = {},
  leaseMs = 5 * 60_000,
): MessageRow {
  const id = newId();
  const now = ctx.now();
  const domain = m.from.address.split('@')[1] ?? 'mailroom.invalid';
  const immediate = m.mode === 'immediate';
  return {
    id,
    accountId: route.account.id,
    teamId: m.teamId ?? route.account.teamId ?? senderTeam(ctx),
    status: immediate ? 'sending' : 'queued',
    mode: m.mode,
    routeReason: route.reason,
    routeExplanation: route.explanation,
    fromAddress: m.from.address,
    fromName: m.from.name,
    sendAs: route.sendAs ?? null,
    to: m.to,
    cc: m.cc,
    bcc: m.bcc,
    replyTo: m.replyTo ?? (route.account.outgoing?.replyTo as string | undefined) ?? null,
    subject: m.subject,
    text: m.text ?? null,
    html: m.html ?? null,
    headers: m.headers,
    attachments: m.attachments,
    messageId: `<${id}@${domain}>`,
    nextAttemptAt: now,
    leaseOwner: immediate ? requestLeaseOwner(ctx, id) : null,
    leaseExpiresAt: immediate ? new Date(now.getTime() + leaseMs) : null,
    recipients: pendingRecipients(m.to, m.cc, m.bcc),
    idempotencyKey: null,
    idempotencyScope: null,
    requestHash: null,
    bulkId: null,
    attemptCount: 0,
    lastError: null,
    internal: false,
    createdAt: now,
    updatedAt: now,
    createdBy: ctx.actor.label,
    sentAt: null,
    ...extra,
  };
}

/** Who holds an immediate send's lease: the request, under this process's lease holder when it has one. */
function requestLeaseOwner(ctx: Ctx, id: string): string {
  const holder = ctx.outbox.requestHolder;
  return holder ? `${holder}/request:${id}` : `request:${id}`;
}

/**
 * Whose Idempotency-Keys these are: each API token its own (by id: two tokens may share a name), each
 * signed-in user theirs; Mailroom itself by its label.
 */
export function idempotencyScope(actor: Actor): string {
  if (actor.via === 'token' && actor.tokenId) return `token:${actor.tokenId}`;
  if (actor.via === 'session' && actor.userId) return `user:${actor.userId}`;
  return `label:${actor.label}`;
}

/** How long a key stored before migration 0028 (no scope) is still found under its sender's label. */
const LEGACY_KEY_MS = 24 * 3600_000;

/**
 * The message an earlier request of this sender with this Idempotency-Key made, if any. A key stored
 * before migration 0028 has no scope and is found under the sender's label (`token:<name>` for a token,
 * shared by tokens of one name) for a day after it was stored, so a request retried across the upgrade
 * is not sent twice; after that only the sender's own keys count.
 */
export async function findByIdempotencyKey(ctx: Ctx, key: string): Promise<MessageRow | undefined> {
  const lookup = (which: SQL | undefined) =>
    ctx.db
      .select()
      .from(messages)
      .where(and(which, eq(messages.idempotencyKey, key), visibleTo(ctx)))
      .limit(1)
      .then(([row]) => row);
  return (
    (await lookup(eq(messages.idempotencyScope, idempotencyScope(ctx.actor)))) ??
    (await lookup(
      and(
        isNull(messages.idempotencyScope),
        eq(messages.createdBy, ctx.actor.label),
        gt(messages.createdAt, new Date(ctx.now().getTime() - LEGACY_KEY_MS)),
      ),
    ))
  );
}
