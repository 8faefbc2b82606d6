import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Actor, Ctx } from '../context';
import type { Db } from '../db/client';
import { apiTokens, users } from '../db/schema';
import { MailroomError, notFound, parseInput } from '../errors';
import { newId } from '../ids';
import { type ApiToken, tokenInputSchema, type User } from '../schemas/auth';
import { randomToken, sha256 } from '../security/hash';
import { assertAdmin, userView } from './users';

const TOKEN_PREFIX = 'mr_';

function tokenView(row: typeof apiTokens.$inferSelect): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    teamIds: row.teamIds,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/** Creates an API token (admins only); the token is returned here once and stored only as a hash. */
export async function createToken({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ id: string; name: string; role: ApiToken['role']; token: string }> {
  assertAdmin(ctx);
  const data = parseInput(tokenInputSchema, input);
  if (data.role === 'team_admin' && data.teamIds.length === 0) {
    throw new MailroomError('validation_failed', 'teamIds is required for a team admin token', {
      errors: [{ path: 'teamIds', message: 'a team admin token needs at least one team' }],
    });
  }
  const token = `${TOKEN_PREFIX}${randomToken(30)}`;
  const id = newId();
  await ctx.db.insert(apiTokens).values({
    id,
    name: data.name,
    role: data.role,
    teamIds: data.teamIds,
    prefix: token.slice(0, 10),
    tokenHash: sha256(token),
    createdBy: ctx.actor.label,
    createdAt: ctx.now(),
  });
  return { id, name: data.name, role: data.role, token };
}

/** Lists live API tokens (admins only), never their values. */
export async function listTokens({ ctx }: { ctx: Ctx }): Promise<ApiToken[]> {
  assertAdmin(ctx);
  const rows = await ctx.db
    .select()
    .from(apiTokens)
    .where(isNull(apiTokens.revokedAt))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(tokenView);
}

/** Revokes an API token (admins only); it stops working at once. */
export async function revokeToken({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  assertAdmin(ctx);
  const rows = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: ctx.now() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (rows.length === 0) throw notFound('Token');
  forgetToken(ctx.db, id);
}

type Resolved = { actor: Actor; user: User; tokenId: string };

/**
 * Resolved tokens, per database, for a few seconds: an integrator's burst of requests costs one lookup,
 * not two queries per request. Revoking in this process forgets the token at once; another process
 * sharing the database stops accepting it within TOKEN_CACHE_MS.
 */
const TOKEN_CACHE_MS = 5_000;
const tokenCache = new WeakMap<Db, Map<string, { value: Resolved; expiresAt: number }>>();

function cacheOf(db: Db): Map<string, { value: Resolved; expiresAt: number }> {
  let c = tokenCache.get(db);
  if (!c) {
    c = new Map();
    tokenCache.set(db, c);
  }
  return c;
}

function forgetToken(db: Db, tokenId: string): void {
  const c = tokenCache.get(db);
  if (!c) return;
  for (const [hash, entry] of c) if (entry.value.tokenId === tokenId) c.delete(hash);
}

/** Resolves a bearer token to the actor it stands for, or null. */
export async function resolveToken(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ actor: Actor; user: User } | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const hash = sha256(token);
  const cache = cacheOf(db);
  const hit = cache.get(hash);
  if (hit && hit.expiresAt > now.getTime()) return hit.value;
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)));
  if (!row) {
    cache.delete(hash);
    return null;
  }
  // lastUsedAt is advisory: update at most once a minute to keep reads cheap.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  }
  const label = `token:${row.name}`;
  const [creator] = row.createdBy ? await db.select().from(users).where(eq(users.email, row.createdBy)) : [];
  const user: User = creator
    ? { ...userView(creator, row.teamIds), role: row.role }
    : {
        id: row.id,
        email: label,
        name: row.name,
        role: row.role,
        teamIds: row.teamIds,
        createdAt: row.createdAt.toISOString(),
      };
  const value: Resolved = {
    actor: { userId: creator?.id ?? null, label, role: row.role, teamIds: row.teamIds, via: 'token' },
    user,
    tokenId: row.id,
  };
  if (cache.size > 10_000) cache.clear();
  cache.set(hash, { value, expiresAt: now.getTime() + TOKEN_CACHE_MS });
  return value;
}
