import { and, eq, gt, lt } from 'drizzle-orm';
import type { Actor } from '../context';
import type { Db } from '../db/client';
import { sessions, users } from '../db/schema';
import { MailroomError, parseInput } from '../errors';
import { loginSchema, type User } from '../schemas/auth';
import { randomToken, sha256, verifyPassword } from '../security/hash';
import { teamIdsOf, userView } from './users';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

// A fixed hash so unknown emails cost the same time as wrong passwords (no user enumeration by timing).
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Checks email + password and opens a session; returns the cookie value (shown once) and the CSRF token. */
export async function login(
  db: Db,
  input: unknown,
  now = new Date(),
): Promise<{ sessionToken: string; csrfToken: string; user: User; expiresAt: Date }> {
  const { email, password } = parseInput(loginSchema, input);
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
  if (!row || !ok) throw new MailroomError('unauthenticated', 'Email or password is wrong');
  const sessionToken = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
  await db
    .insert(sessions)
    .values({ idHash: sha256(sessionToken), userId: row.id, csrfToken, createdAt: now, expiresAt });
  return { sessionToken, csrfToken, user: userView(row, await teamIdsOf(db, row.id)), expiresAt };
}

export async function logout(db: Db, sessionToken: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, sha256(sessionToken)));
}

/** Resolves a session cookie to its user and CSRF token, or null when unknown or expired. */
export async function resolveSession(
  db: Db,
  sessionToken: string,
  now = new Date(),
): Promise<{ actor: Actor; user: User; csrfToken: string } | null> {
  const [row] = await db
    .select({ user: users, csrfToken: sessions.csrfToken })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idHash, sha256(sessionToken)), gt(sessions.expiresAt, now)));
  if (!row) return null;
  const teamIds = await teamIdsOf(db, row.user.id);
  return {
    actor: { userId: row.user.id, label: row.user.email, role: row.user.role, teamIds, via: 'session' },
    user: userView(row.user, teamIds),
    csrfToken: row.csrfToken,
  };
}
