import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { messages } from '../db/schema';
import { MailroomError } from '../errors';
import type { MessageView } from '../schemas/messages';
import { getMessage, loadMessage } from './getMessage';
import { assertCanSend } from './store';

/** Stops a queued or deferred message from being sent. One being sent right now cannot be called back: 409. */
export async function cancelMessage({ ctx, id }: { ctx: Ctx; id: string }): Promise<MessageView> {
  assertCanSend(ctx);
  await ctx.db.transaction(async (tx) => {
    const row = await loadMessage(ctx, tx, id, true);
    if (row.status !== 'queued' && row.status !== 'deferred') {
      throw new MailroomError('invalid_transition', `A ${row.status} message cannot be cancelled`, {
        hint:
          row.status === 'sending'
            ? 'It is being handed to the server right now; its outcome will show shortly.'
            : 'Only queued or deferred messages can be cancelled.',
      });
    }
    await tx
      .update(messages)
      .set({ status: 'cancelled', nextAttemptAt: null, updatedAt: ctx.now() })
      .where(eq(messages.id, id));
  });
  await ctx.log({ source: 'queue', level: 'info', message: `Message ${id} cancelled by ${ctx.actor.label}` });
  return getMessage({ ctx, id });
}
