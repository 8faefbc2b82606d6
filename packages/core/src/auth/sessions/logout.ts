import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { sessions } from '../../db/schema';
import { sha256 } from '../../security/hash';

/** Ends one session (the cookie's). */
export async function logout(db: Db, sessionToken: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, sha256(sessionToken)));
}
