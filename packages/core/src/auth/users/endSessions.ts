import { and, eq, ne } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { sessions } from '../../db/schema';

/** Ends a user's sessions in the caller's transaction (all, or all but the one being used); returns how many. */
export async function endSessions(q: Queryable, userId: string, keepHash?: string): Promise<number> {
  const ended = await q
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), keepHash ? ne(sessions.idHash, keepHash) : undefined))
    .returning({ id: sessions.idHash });
  return ended.length;
}
