import { and, eq } from 'drizzle-orm';
import { canRead } from '../accounts/access';
import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import { messages } from '../db/schema';
import { type FieldError, forbidden, MailroomError } from '../errors';
import { newId } from '../ids';
import { type Route, resolveRoute } from '../routing/resolveRoute';
import type { RouteReason } from '../schemas/defaults';
import type { MessageRow } from './rows';

/** Viewers may not send mail; admins and team admins may, through accounts they can see. */
export function assertCanSend(ctx: Ctx): void {
  if (ctx.actor.role === 'viewer') throw forbidden('Viewers cannot send mail');
}

/** Routes a send (named account, from filter, team default, system default) or says why nothing matched. */
export async function routeOrThrow(
  ctx: Ctx,
  input: {
    accountId?: string | undefined;
    teamId?: string | null | undefined;
    from?: { address: string } | undefined;
  },
): Promise<Route & { account: AccountRow }> {
  const route = await resolveRoute(ctx.db, {
    accountId: input.accountId,
    teamId: input.teamId,
    from: input.from?.address,
  });
  const account = route.account;
  if (!account || (input.accountId && !canRead(ctx.actor, account.teamId))) {
    if (input.accountId) {
      throw new MailroomError(
        'account_not_usable',
        route.candidates[0]?.detail === 'no such account'
          ? 'accountId does not name an account'
          : 'The account cannot send: it is not active or has no outgoing settings',
        {
          errors: [{ path: 'accountId', message: route.candidates[0]?.detail ?? 'cannot send' }],
        },
      );
    }
    throw new MailroomError('no_route', route.explanation, {
      hint: "Name an accountId, add the From address to an account's from filter, or set a default outgoing account.",
      extra: { candidates: route.candidates },
    });
  }
  if (!canRead(ctx.actor, account.teamId)) throw forbidden('The routed account belongs to another team');
  return { ...route, account };
}

/** The From of a message: the one asked for (if the account may send as it) or the account's own. */
export function senderOf(
  account: AccountRow,
  from: { address: string; name?: string | undefined } | undefined,
): { address: string; name: string | null } {
  const own = (account.outgoing?.from ?? {}) as { address?: string; name?: string };
  if (!from) return { address: String(own.address ?? ''), name: own.name ?? null };
  const filters = ((account.outgoing?.fromFilter as string[] | undefined) ?? []).map((f) => f.toLowerCase());
  const address = from.address.toLowerCase();
  const domain = address.split('@')[1] ?? '';
  const allowed =
    filters.length === 0 ||
    address === String(own.address ?? '').toLowerCase() ||
    filters.includes(address) ||
    filters.includes(domain) ||
    filters.includes(`@${domain}`);
  if (!allowed) {
    const errors: FieldError[] = [
      { path: 'from.address', message: `the account "${account.name}" may not send as ${from.address}` },
    ];
    throw new MailroomError('validation_failed', errors[0]!.message, { errors });
  }
  return { address: from.address, name: from.name ?? null };
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

/** A new message row for a routed account; queued rows are due now, immediate ones are leased to the request. */
export function newMessageRow(
  ctx: Ctx,
  route: { account: AccountRow; reason: RouteReason; explanation: string },
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
    teamId: m.teamId ?? route.account.teamId,
    status: immediate ? 'sending' : 'queued',
    mode: m.mode,
    routeReason: route.reason,
    routeExplanation: route.explanation,
    fromAddress: m.from.address,
    fromName: m.from.name,
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
    leaseOwner: immediate ? `request:${id}` : null,
    leaseExpiresAt: immediate ? new Date(now.getTime() + leaseMs) : null,
    recipients: pendingRecipients(m.to, m.cc, m.bcc),
    idempotencyKey: null,
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

/** The message an earlier request with this Idempotency-Key made, if any. */
export async function findByIdempotencyKey(ctx: Ctx, key: string): Promise<MessageRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(messages)
    .where(and(eq(messages.createdBy, ctx.actor.label), eq(messages.idempotencyKey, key)));
  return row;
}
