import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { messages } from '../db/schema';
import { MailroomError } from '../errors';
import type { MessageView } from '../schemas/messages';
import { getMessage, loadMessage } from './getMessage';
import { assertCanSend } from './store';

/**
 * Sends a failed, deferred or partially sent message again now (or a cancelled one). Recipients that
 * were accepted stay out of the envelope; refused ones get another chance. Sent and in-flight messages
 * are a 409.
 */
export async function retryMessage({ ctx, id }: { ctx: Ctx; id: string }): Promise<MessageView> {
  assertCanSend(ctx);
  await ctx.db.transaction(async (tx) => {
    const row = await loadMessage(ctx, tx, id, true);
    if (!['failed', 'partially_sent', 'deferred', 'cancelled'].includes(row.status)) {
      throw new MailroomError(
        'invalid_transition',
        `A ${row.status.replace('_', ' ')} message cannot be retried`,
        {
          hint: 'Only failed, partially sent, deferred or cancelled messages can be retried.',
        },
      );
    }
    // Bounced, complained about or suppressed recipients are never mailed again; with nobody left, there is nothing to retry.
    if (
      !row.recipients.some(
        (r) => r.status === 'rejected' || r.status === 'deferred' || r.status === 'pending',
      )
    ) {
      throw new MailroomError(
        'invalid_transition',
        'Nothing to retry: every recipient was reached, bounced or is suppressed',
        {
          hint: 'Remove an address from the suppression list and send a new message to mail it again.',
        },
      );
    }
    const now = ctx.now();
    await tx
      .update(messages)
      .set({
        status: 'queued',
        nextAttemptAt: now,
        leaseOwner: null,
        leaseExpiresAt: null,
        // Only recipients refused or not yet reached are tried again: the server took the others (or they
        // bounced after, or are suppressed), and retrying would mail them twice or mail a suppressed address.
        recipients: row.recipients.map((r) =>
          r.status === 'rejected' || r.status === 'deferred' || r.status === 'pending'
            ? { ...r, status: 'pending', reply: r.reply }
            : r,
        ),
        updatedAt: now,
      })
      .where(eq(messages.id, id));
  });
  await ctx.log({
    source: 'queue',
    level: 'info',
    message: `Message ${id} queued again by ${ctx.actor.label}`,
  });
  ctx.outbox.wake.notify();
  return getMessage({ ctx, id });
}
