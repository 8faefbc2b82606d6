import type { Db } from '../db/client';
import { users } from '../db/schema';
import { newId } from '../ids';
import { hashPassword, randomToken } from '../security/hash';
import { countUsers } from './users/countUsers';

/**
 * On an empty database creates the first admin. Returns the credentials when a password was generated
 * (so the caller prints them once), or null when users already exist.
 */
export async function ensureFirstAdmin(
  db: Db,
  opts: { email?: string | undefined; password?: string | undefined },
): Promise<{ email: string; password: string; generated: boolean } | null> {
  if ((await countUsers(db)) > 0) return null;
  const email = (opts.email ?? 'admin@mailroom.local').toLowerCase();
  const generated = !opts.password;
  const password = opts.password ?? randomToken(12);
  await db.insert(users).values({
    id: newId(),
    email,
    name: 'Administrator',
    passwordHash: await hashPassword(password),
    role: 'admin',
  });
  return { email, password, generated };
}
