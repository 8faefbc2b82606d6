import { eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { sessions, users } from '../../db/schema';
import { MailroomError, parseInput } from '../../errors';
import { loginSchema, type User } from '../../schemas/auth';
import { randomToken, sha256, verifyPassword } from '../../security/hash';
import { teamIdsOf, userView } from '../users/view';
import { SESSION_TTL_MS } from './constants';

// A fixed hash so unknown emails cost the same time as wrong passwords (no user enumeration by timing).
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * Checks email + password and opens a session; returns the cookie value (shown once) and the CSRF token.
 * A disabled user is refused (only once the password is right, so it reveals nothing to a guesser). A user
 * whose password an admin reset signs in with `mustChangePassword: true`; that session can do nothing but
 * choose a new password.
 */
export async function login(
  db: Db,
  input: unknown,
  now = new Date(),
): Promise<{ sessionToken: string; csrfToken: string; user: User; expiresAt: Date }> {
  const { email, password } = parseInput(loginSchema, input);
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
  if (!row || !ok) throw new MailroomError('unauthenticated', 'Email or password is wrong');
  if (row.disabledAt) {
    throw new MailroomError('forbidden', 'This user is disabled', {
      hint: 'Ask an administrator to enable it again.',
    });
  }
  const sessionToken = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
  await db
    .insert(sessions)
    .values({ idHash: sha256(sessionToken), userId: row.id, csrfToken, createdAt: now, expiresAt });
  return { sessionToken, csrfToken, user: userView(row, await teamIdsOf(db, row.id)), expiresAt };
}
