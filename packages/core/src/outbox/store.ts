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

/** A send naming its account (the hot path of the queued API). */
async function namedRoute(ctx: Ctx, accountId: string): Promise<Route & { account: AccountRow }> {
  const row = await ctx.outbox.accounts.get(accountId);
  // An account the actor may not see is "no such account": no existence leak.
  if (!row || !canRead(ctx.actor, row.teamId)) {
    throw new MailroomError('account_not_usable', 'accountId does not name an account', {
      errors: [{ path: 'accountId', message: 'no such account' }],
    });
  }
  if (row.stage !== 'active' || !row.outgoing) {
    const why = `account is ${row.stage}${row.outgoing ? '' : ' and has no outgoing settings'}`;
    throw new MailroomError(
      'account_not_usable',
      'The account cannot send: it is not active or has no outgoing settings',
      {
        errors: [{ path: 'accountId', message: why }],
      },
    );
  }
  return {
    account: row,
    accountId: row.id,
    accountName: row.name,
    reason: 'account_id',
    explanation: `"${row.name}" was named by the request`,
    candidates: [
      {
        rule: 'account_id',
        accountId: row.id,
        accountName: row.name,
        matched: true,
        detail: 'named by the request',
      },
    ],
  };
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
  if (input.accountId) return namedRoute(ctx, input.accountId);
  const route = await resolveRoute(ctx.db, { teamId: input.teamId, from: input.from?.address });
  const account = route.account;
  if (!account) {
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
