import { asc, desc, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { accountComments, accountEvents } from '../db/schema';
import { forbidden, parseInput } from '../errors';
import { newId } from '../ids';
import { type Comment, commentInputSchema, type TimelineEvent } from '../schemas/account';
import { canWrite } from './access';
import { loadAccount } from './load';
import { addTimelineEvent } from './timeline';

/** Adds a comment to an account (viewers may read but not comment). */
export async function addComment({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<Comment> {
  const { body } = parseInput(commentInputSchema, input);
  if (ctx.actor.role === 'viewer') throw forbidden('Viewers cannot comment');
  return ctx.db.transaction(async (tx) => {
    const row = await loadAccount(ctx, tx, id);
    if (!canWrite(ctx.actor, row.teamId))
      throw forbidden('You can only comment on accounts of your own teams');
    const comment = { id: newId(), accountId: row.id, at: ctx.now(), author: ctx.actor.label, body };
    await tx.insert(accountComments).values(comment);
    await addTimelineEvent(
      ctx,
      tx,
      row.id,
      'comment',
      `Comment: ${body.length > 80 ? `${body.slice(0, 77)}…` : body}`,
      {
        commentId: comment.id,
      },
    );
    return { ...comment, at: comment.at.toISOString() };
  });
}

/** Lists an account's comments, oldest first. */
export async function listComments({ ctx, id }: { ctx: Ctx; id: string }): Promise<Comment[]> {
  const row = await loadAccount(ctx, ctx.db, id);
  const rows = await ctx.db
    .select()
    .from(accountComments)
    .where(eq(accountComments.accountId, row.id))
    .orderBy(asc(accountComments.at));
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

/** Lists an account's timeline, newest first. */
export async function listTimeline({
  ctx,
  id,
  limit = 200,
}: {
  ctx: Ctx;
  id: string;
  limit?: number;
}): Promise<TimelineEvent[]> {
  const row = await loadAccount(ctx, ctx.db, id);
  const rows = await ctx.db
    .select()
    .from(accountEvents)
    .where(eq(accountEvents.accountId, row.id))
    .orderBy(desc(accountEvents.at), desc(accountEvents.id))
    .limit(Math.min(limit, 1000));
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
