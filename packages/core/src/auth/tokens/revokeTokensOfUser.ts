import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { apiTokens } from '../../db/schema';
import type { Role } from '../../schemas/auth';

/**
 * Revokes, in the caller's transaction, the live tokens that stand for a user: all of them, or only those
 * with one of `roles`. Returns their ids and names for the audit row; the caller forgets them from the
 * token cache once the transaction committed.
 */
export async function revokeTokensOfUser(
  q: Queryable,
  userId: string,
  now: Date,
  roles?: Role[],
): Promise<Array<{ id: string; name: string }>> {
  if (roles && roles.length === 0) return [];
  return q
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(apiTokens.userId, userId),
        isNull(apiTokens.revokedAt),
        roles ? inArray(apiTokens.role, roles) : undefined,
      ),
    )
    .returning({ id: apiTokens.id, name: apiTokens.name });
}
