import { and, eq, isNull } from 'drizzle-orm';
import type { Actor } from '../../context';
import type { Db } from '../../db/client';
import { apiTokens, users } from '../../db/schema';
import type { User } from '../../schemas/auth';
import { sha256 } from '../../security/hash';
import { outranks, senderOf, userView } from '../users/view';
import { cachedToken, cacheGeneration, forgetTokenHash, type ResolvedToken, rememberToken } from './cache';
import { TOKEN_PREFIX } from './view';

/**
 * Resolves a bearer token to the actor it stands for, or null: unknown or revoked tokens, and tokens of a
 * user who is disabled, or who no longer holds a role as high as the token's, do not work.
 */
export async function resolveToken(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ actor: Actor; user: User } | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const hash = sha256(token);
  const hit = cachedToken(db, hash, now.getTime());
  if (hit) return hit;
  const generation = cacheGeneration(db);
  const [found] = await db
    .select({ token: apiTokens, owner: users })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)));
  const row = found?.token;
  const owner = found?.owner ?? null;
  // A token with an owner lives only while the owner may act (a deleted owner's tokens are revoked with them).
  const usable = row && (!row.userId || (owner && !owner.disabledAt && !outranks(row.role, owner.role)));
  if (!row || !usable) {
    forgetTokenHash(db, hash);
    return null;
  }
  // lastUsedAt is advisory: update at most once a minute to keep reads cheap.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  }
  const label = `token:${row.name}`;
  // A token is not held to its owner's pending password change: that gate is for the owner's sessions.
  const user: User = owner
    ? { ...userView(owner, row.teamIds), role: row.role, mustChangePassword: false }
    : {
        id: row.id,
        email: label,
        name: row.name,
        role: row.role,
        teamIds: row.teamIds,
        createdAt: row.createdAt.toISOString(),
        disabledAt: null,
        mustChangePassword: false,
        displayName: null,
        sendingAddress: null,
      };
  const value: ResolvedToken = {
    actor: {
      userId: owner?.id ?? null,
      label,
      role: row.role,
      teamIds: row.teamIds,
      via: 'token',
      tokenId: row.id,
      ...(owner ? { sender: senderOf(owner) } : {}),
    },
    user,
    tokenId: row.id,
    userId: owner?.id ?? null,
  };
  rememberToken(db, hash, value, now.getTime(), generation);
  return { actor: value.actor, user: value.user };
}
