import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { messages } from '../db/schema';
import { MailroomError, parseInput } from '../errors';
import { type MessageView, messageInputSchema, type ParsedMessageInput } from '../schemas/messages';
import { sha256 } from '../security/hash';
import { deliverMessage } from './deliverMessage';
import { reserveLocalWorker } from './handoff';
import { insertMessage } from './insertBatcher';
import { type OutboxPolicy, withPolicy } from './policy';
import { recordOutcomes } from './recordOutcomes';
import type { MessageRow } from './rows';
import { notifyQueued } from './signal';
import { assertCanSend, findByIdempotencyKey, newMessageRow, routeOrThrow, senderOf } from './store';
import { toMessageView } from './view';

export type SendResult = {
  /** 202 when queued, 200 when delivered now or when an Idempotency-Key replays an earlier request. */
  httpStatus: 200 | 202;
  replayed: boolean;
  message: MessageView;
};

/**
 * Sends one message: `input` is validated here; `parsed` is input the caller already validated with
 * `messageInputSchema` (the API route), so it is not parsed twice. Routes it, stores it (the row is queue and journal), then either answers 202
 * (queued: the worker delivers it) or delivers it in the request (immediate) and answers with the
 * server's reply. An immediate delivery that fails is recorded (failed, or deferred for the worker
 * to retry) and raised as `delivery_failed` carrying the class, the reply, the hint and the message.
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

  const route = await routeOrThrow(ctx, msg);
  const mode =
    msg.mode ?? (route.account.outgoing?.sendMode as 'immediate' | 'queued' | undefined) ?? 'queued';
  const p = withPolicy(policy);
  const row = newMessageRow(
    ctx,
    route,
    { ...msg, from: senderOf(route.account, msg.from), mode },
    { idempotencyKey: key ?? null, requestHash },
    p.leaseMs,
  );
  // A queued send goes straight to this process's worker when it has a free slot (see handoff.ts):
  // stored already leased to it. Nothing between taking the slot and handing it over may throw.
  const local = mode === 'queued' ? reserveLocalWorker(ctx.db, route.account, ctx.now()) : undefined;
  if (local) {
    row.status = 'sending';
    row.leaseOwner = local.workerId;
    row.leaseExpiresAt = new Date(ctx.now().getTime() + local.leaseMs);
  }
  let inserted = false;
  try {
    inserted = await insertMessage(ctx.db, row);
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
  if (mode === 'queued') {
    if (!local) notifyQueued();
    else if (!local.deliver(stored, route.account)) {
      // The worker stopped meanwhile. The message is stored either way: if this fails too, its
      // lease expires and any worker takes it over.
      await returnToQueue(ctx, stored.id, local.workerId).catch(() => {});
      stored.status = 'queued';
      stored.leaseOwner = null;
      stored.leaseExpiresAt = null;
    }
    return { httpStatus: 202, replayed: false, message: toMessageView(stored) };
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
  if (view.status === 'sent') return { httpStatus: 200, replayed: false, message: view };
  if (view.status === 'deferred') notifyQueued();
  throw deliveryFailed(view);
}

/** A handed-over message whose worker stopped before taking it: back to the queue for any worker. */
async function returnToQueue(ctx: Ctx, id: string, workerId: string): Promise<void> {
  await ctx.db
    .update(messages)
    .set({ status: 'queued', leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(messages.id, id), eq(messages.leaseOwner, workerId), eq(messages.status, 'sending')));
  notifyQueued();
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
  return { httpStatus: 200, replayed: true, message: toMessageView(earlier) };
}

/** The error an immediate send answers with: the class, the server's reply, a hint, and the stored message. */
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
