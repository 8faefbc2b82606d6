import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Actor } from '../../context';
import type { Db } from '../../db/client';
import { sessions, users } from '../../db/schema';
import type { User } from '../../schemas/auth';
import { sha256 } from '../../security/hash';
import { senderOf, teamIdsOf, userView } from '../users/view';

/**
 * Resolves a session cookie to its user and CSRF token, or null when unknown, expired, or its user is
 * disabled. Read on every request, so a disabled user's next request is refused.
 */
export async function resolveSession(
  db: Db,
  sessionToken: string,
  now = new Date(),
): Promise<{ actor: Actor; user: User; csrfToken: string; sessionHash: string } | null> {
  const sessionHash = sha256(sessionToken);
  const [row] = await db
    .select({ user: users, csrfToken: sessions.csrfToken })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idHash, sessionHash), gt(sessions.expiresAt, now), isNull(users.disabledAt)));
  if (!row) return null;
  const teamIds = await teamIdsOf(db, row.user.id);
  return {
    actor: {
      userId: row.user.id,
      label: row.user.email,
      role: row.user.role,
      teamIds,
      via: 'session',
      sender: senderOf(row.user),
    },
    user: userView(row.user, teamIds),
    csrfToken: row.csrfToken,
    sessionHash,
  };
}
