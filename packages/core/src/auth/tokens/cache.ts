import type { Actor } from '../../context';
import { type Db, isSharedDatabase } from '../../db/client';
import type { User } from '../../schemas/auth';

export type ResolvedToken = { actor: Actor; user: User; tokenId: string; userId: string | null };

/**
 * Resolved tokens, per database, for a few seconds: an integrator's burst of requests costs one lookup,
 * not two queries per request. Revoking a token, or disabling, demoting or deleting its user, forgets it
 * at once. Only on the embedded database, which no other process can change: on a shared Postgres every
 * request reads the token (one indexed query), so a token revoked through one API process is refused by
 * every other on its next request.
 */
export const TOKEN_CACHE_MS = 5_000;

type Entry = { value: ResolvedToken; expiresAt: number };
type Cache = { entries: Map<string, Entry>; generation: number };
const caches = new WeakMap<Db, Cache>();

function cacheOf(db: Db): Cache {
  let c = caches.get(db);
  if (!c) {
    c = { entries: new Map(), generation: 0 };
    caches.set(db, c);
  }
  return c;
}

/** A cached resolution that has not expired. */
export function cachedToken(db: Db, hash: string, now: number): ResolvedToken | undefined {
  if (isSharedDatabase(db)) return undefined;
  const hit = cacheOf(db).entries.get(hash);
  return hit && hit.expiresAt > now ? hit.value : undefined;
}

/** Where the cache stands before a lookup: `rememberToken` keeps the result only if nothing was forgotten since. */
export function cacheGeneration(db: Db): number {
  return cacheOf(db).generation;
}

/**
 * Keeps a resolution, unless something was forgotten while it was being looked up: a lookup that read the
 * token just before a revoke committed must not put it back for another TOKEN_CACHE_MS.
 */
export function rememberToken(
  db: Db,
  hash: string,
  value: ResolvedToken,
  now: number,
  generation: number,
): void {
  if (isSharedDatabase(db)) return;
  const c = cacheOf(db);
  if (c.generation !== generation) return;
  if (c.entries.size > 10_000) c.entries.clear();
  c.entries.set(hash, { value, expiresAt: now + TOKEN_CACHE_MS });
}

export function forgetTokenHash(db: Db, hash: string): void {
  cacheOf(db).entries.delete(hash);
}

/** Forgets cached tokens by token id or by the user they stand for; call it after the change committed. */
export function forgetTokens(db: Db, which: { tokenIds?: string[]; userId?: string }): void {
  const c = cacheOf(db);
  c.generation++;
  const ids = new Set(which.tokenIds ?? []);
  for (const [hash, entry] of c.entries) {
    if (ids.has(entry.value.tokenId) || (which.userId && entry.value.userId === which.userId)) {
      c.entries.delete(hash);
    }
  }
}
