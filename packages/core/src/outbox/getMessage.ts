import { and, asc, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { messageAttempts, messages, recipientEvents } from '../db/schema';
import { notFound } from '../errors';
import type { MessageView } from '../schemas/messages';
import { visibleTo } from './listMessages';
import type { MessageRow } from './rows';
import { toMessageView } from './view';

/** Loads a message the actor may see (404 otherwise), optionally locking it in the caller's transaction. */
export async function loadMessage(
  ctx: Ctx,
  q: Queryable,
  id: string,
  forUpdate = false,
): Promise<MessageRow> {
  const query = q
    .select()
    .from(messages)
    .where(and(eq(messages.id, id), visibleTo(ctx)));
  const [row] = forUpdate ? await query.for('update', { of: messages }) : await query;
  if (!row) throw notFound('Message');
  return row;
}

/**
 * One message with its bodies, per-recipient results with each recipient's story after the 250 (delivered,
 * bounced, complained, suppressed), and every attempt (time, duration, reply, error class).
 */
export async function getMessage({ ctx, id }: { ctx: Ctx; id: string }): Promise<MessageView> {
  const row = await loadMessage(ctx, ctx.db, id);
  const attempts = await ctx.db
    .select()
    .from(messageAttempts)
    .where(eq(messageAttempts.messageId, id))
    .orderBy(asc(messageAttempts.at));
  const events = await ctx.db
    .select()
    .from(recipientEvents)
    .where(eq(recipientEvents.messageId, id))
    .orderBy(asc(recipientEvents.at), asc(recipientEvents.id));
  return toMessageView(row, { attempts, events });
}
