import { count } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { users } from '../../db/schema';

/** How many users exist (start-up creates the first admin on an empty database). */
export async function countUsers(q: Queryable): Promise<number> {
  const [r] = await q.select({ n: count() }).from(users);
  return Number(r?.n ?? 0);
}
