import { asc } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { users, userTeams } from '../../db/schema';
import type { User } from '../../schemas/auth';
import { assertAdmin } from './guards';
import { userView } from './view';

/** Lists users (admins only), disabled ones included. */
export async function listUsers({ ctx }: { ctx: Ctx }): Promise<User[]> {
  assertAdmin(ctx);
  const rows = await ctx.db.select().from(users).orderBy(asc(users.email));
  const memberships = await ctx.db.select().from(userTeams);
  return rows.map((r) =>
    userView(
      r,
      memberships.filter((m) => m.userId === r.id).map((m) => m.teamId),
    ),
  );
}
