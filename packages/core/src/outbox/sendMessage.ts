import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { messages } from '../db/schema';
import { MailroomError, parseInput } from '../errors';
import { type MessageView, messageInputSchema, type ParsedMessageInput } from '../schemas/messages';
import { sha256 } from '../security/hash';
import { markSuppressed, recordSuppressedAtSend } from '../suppressions/atSend';
import { deliverMessage } from './deliverMessage';
import { type OutboxPolicy, withPolicy } from './policy';
import { recordOutcomes } from './recordOutcomes';
import type { MessageRow } from './rows';
import {
  assertCanSend,
  findByIdempotencyKey,
  idempotencyScope,
  newMessageRow,
  routeSend,
  sendFields,
} from './store';
import { toMessageView } from './view';

/**
 * What became of a send:
 * - `queued`: stored; a worker claims it.
 * - `handed_over`: stored already leased to this process's worker, which has it now (status `sending`).
 * - `sent`: delivered in the request (immediate).
 * - `partially_sent`: delivered in the request to some recipients; the others were refused for good.
 * - `deferred` / `failed`: an immediate delivery the server refused or that could not be made; stored
 *   as such (a deferred one is retried by the worker). The caller decides how to answer it
 *   (the API: `deliveryFailed(message)`, a 502).
 * - `suppressed`: every recipient is on the suppression list; stored `failed`, nothing was sent (the API:
 *   `allSuppressed(message)`, a 422). Some recipients suppressed: they are marked so and the others go out.
 * - `replayed`: an earlier request with the same Idempotency-Key and body made this message.
 */
export type SendMessageOutcome =
  | 'queued'
  | 'handed_over'
  | 'sent'
  | 'partially_sent'
  | 'deferred'
  | 'failed'
  | 'suppressed'
  | 'replayed';

export type SendResult = { outcome: SendMessageOutcome; message: MessageView };

/**
 * Sends one message: `input` is validated here; `parsed` is input the caller already validated with
 * `messageInputSchema` (the API route), so it is not parsed twice. Routes it, stores it (the row is
 * queue and journal), then either leaves it to the worker (queued, or handed over to this process's
 * worker) or delivers it in the request (immediate) and records the server's answer. Refusals of the
 * send itself (validation, routing, idempotency conflict) are thrown; what the server said is a result.
 */
export async function sendMessage({
  ctx,
  input,
  parsed,
  idempotencyKey,
  policy,
}: {
  ctx: Ctx;
  idempotencyKey?: string | undefined;
  policy?: Partial<OutboxPolicy>;
} & (
  | { input: unknown; parsed?: undefined }
  | { input?: undefined; parsed: ParsedMessageInput }
)): Promise<SendResult> {
  const msg = parsed ?? parseInput(messageInputSchema, input);
  assertCanSend(ctx);
  const key = idempotencyKey?.trim() || undefined;
  if (key && (key.length > 200 || /[\r\n]/.test(key))) {
    throw new MailroomError(
      'validation_failed',
      'Idempotency-Key must be one line of at most 200 characters',
      {
        errors: [{ path: 'Idempotency-Key', message: 'must be one line of at most 200 characters' }],
      },
    );
  }
  const requestHash = key ? sha256(JSON.stringify(msg)) : null;
  if (key) {
    const earlier = await findByIdempotencyKey(ctx, key);
    if (earlier) return replay(earlier, requestHash);
  }

  const route = await routeSend(ctx, msg);
  const mode = msg.mode ?? route.account.outgoing.sendMode ?? 'queued';
  const p = withPolicy(policy);
  const row = newMessageRow(
    ctx,
    route,
    { ...msg, ...sendFields(route, msg.replyTo), mode },
    { idempotencyKey: key ?? null, idempotencyScope: key ? idempotencyScope(ctx.actor) : null, requestHash },
    p.leaseMs,
  );
  // Recipients on the suppression list are marked and left out of the envelope; with none left it is not sent.
  const suppressed = await markSuppressed(ctx, [row]);
  if (row.status === 'failed') {
    if (!(await ctx.outbox.inserts.insert(row))) {
      const earlier = key ? await findByIdempotencyKey(ctx, key) : undefined;
      if (earlier) return replay(earlier, requestHash);
      throw new MailroomError('conflict', 'The message could not be stored');
    }
    await ctx.db.transaction((tx) => recordSuppressedAtSend(tx, suppressed, ctx.now()));
    await logSuppressed(ctx, row);
    return { outcome: 'suppressed', message: toMessageView(row) };
  }
  // A queued send goes straight to this process's worker when it has a free slot (see handoff.ts):
  // stored already leased to it. Nothing between taking the slot and handing it over may throw.
  const local = mode === 'queued' ? ctx.outbox.handoff.reserve(route.account, ctx.now()) : undefined;
  if (local) {
    row.status = 'sending';
    row.leaseOwner = local.workerId;
    row.leaseExpiresAt = new Date(ctx.now().getTime() + local.leaseMs);
  }
  let inserted = false;
  try {
    inserted = await ctx.outbox.inserts.insert(row);
  } catch (err) {
    // The commit may have landed before the error reached us: put the row where any worker finds it.
    if (local) await returnToQueue(ctx, row.id, local.workerId).catch(() => {});
    throw err;
  } finally {
    if (local && !inserted) local.release();
  }
  if (!inserted) {
    // Lost a race with the same key: the other request's message is the answer.
    const earlier = key ? await findByIdempotencyKey(ctx, key) : undefined;
    if (earlier) return replay(earlier, requestHash);
    throw new MailroomError('conflict', 'The message could not be stored');
  }
  const stored = row;
  if (suppressed.length > 0) {
    await ctx.db.transaction((tx) => recordSuppressedAtSend(tx, suppressed, ctx.now()));
    await logSuppressed(ctx, row);
  }
  if (mode === 'queued') {
    if (!local) {
      ctx.outbox.wake.notify();
      return { outcome: 'queued', message: toMessageView(stored) };
    }
    if (local.deliver(stored, route.account))
      return { outcome: 'handed_over', message: toMessageView(stored) };
    // The worker stopped meanwhile. The message is stored either way: if this fails too, its
    // lease expires and any worker takes it over.
    await returnToQueue(ctx, stored.id, local.workerId).catch(() => {});
    stored.status = 'queued';
    stored.leaseOwner = null;
    stored.leaseExpiresAt = null;
    return { outcome: 'queued', message: toMessageView(stored) };
  }
  const attempt = await deliverMessage({
    ctx,
    message: stored,
    account: route.account,
    worker: stored.leaseOwner!,
  });
  await recordOutcomes({ ctx, attempts: [attempt], policy: p });
  const [after] = await ctx.db.select().from(messages).where(eq(messages.id, stored.id));
  const view = toMessageView(after!);
  if (view.status === 'sent') return { outcome: 'sent', message: view };
  if (view.status === 'partially_sent') return { outcome: 'partially_sent', message: view };
  if (view.status === 'deferred') {
    ctx.outbox.wake.notify();
    return { outcome: 'deferred', message: view };
  }
  // Failed, or (lease lost to another worker, which cannot happen within a request's lease) not recorded.
  return { outcome: 'failed', message: view };
}

/** A handed-over message whose worker stopped before taking it: back to the queue for any worker. */
async function returnToQueue(ctx: Ctx, id: string, workerId: string): Promise<void> {
  await ctx.db
    .update(messages)
    .set({ status: 'queued', leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(messages.id, id), eq(messages.leaseOwner, workerId), eq(messages.status, 'sending')));
  ctx.outbox.wake.notify();
}

/** The Main Log row of a send that left suppressed recipients out (a warning when nothing was sent). */
async function logSuppressed(ctx: Ctx, row: MessageRow): Promise<void> {
  const left = row.recipients.filter((r) => r.status === 'suppressed').map((r) => r.address);
  await ctx.log({
    source: 'outgoing',
    level: row.status === 'failed' ? 'warning' : 'info',
    message:
      row.status === 'failed'
        ? `Message ${row.id} not sent: every recipient is on the suppression list (${left.join(', ')})`
        : `Message ${row.id}: ${left.length} suppressed recipient(s) left out (${left.join(', ')})`,
    accountId: row.accountId,
    context: { messageId: row.id, suppressed: left },
  });
}

/** The problem a send whose every recipient is suppressed is answered with (`all_recipients_suppressed`, 422). */
export function allSuppressed(view: MessageView): MailroomError {
  return new MailroomError(
    'all_recipients_suppressed',
    view.lastError?.message ?? 'Every recipient is suppressed',
    {
      hint: 'Remove an address from the suppression list (Suppressions) to mail it again.',
      errors: view.recipients.map((r, i) => ({
        path: `recipients.${i}`,
        message: `${r.address} is suppressed (${r.suppression?.reason ?? 'listed'})`,
      })),
      extra: { messageId: view.id, messageStatus: view.status, message: view },
    },
  );
}

function replay(earlier: MessageRow, requestHash: string | null): SendResult {
  if (earlier.requestHash !== requestHash) {
    throw new MailroomError(
      'idempotency_conflict',
      'This Idempotency-Key was already used with a different request',
      {
        hint: 'Use a new key for a different message; reuse a key only to repeat the same request.',
        extra: { messageId: earlier.id },
      },
    );
  }
  return { outcome: 'replayed', message: toMessageView(earlier) };
}

/**
 * The problem an immediate send that was not delivered is answered with (`delivery_failed`, 502):
 * the class, the server's reply, a hint, and the stored message.
 */
export function deliveryFailed(view: MessageView): MailroomError {
  const err = view.lastError;
  const retry = view.status === 'deferred' ? ` It will be retried at ${view.nextAttemptAt}.` : '';
  return new MailroomError('delivery_failed', `${err?.message ?? 'The message was not delivered'}.${retry}`, {
    ...(err?.hint ? { hint: err.hint } : {}),
    extra: {
      errorClass: err?.code ?? null,
      reply: err?.reply ?? null,
      responseCode: err?.responseCode ?? null,
      messageId: view.id,
      messageStatus: view.status,
      nextAttemptAt: view.nextAttemptAt,
      message: view,
    },
  });
}
