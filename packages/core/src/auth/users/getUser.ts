import type { Ctx } from '../../context';
import type { User } from '../../schemas/auth';
import { assertAdmin, loadUser } from './guards';
import { teamIdsOf, userView } from './view';

/** One user (admins only). */
export async function getUser({ ctx, id }: { ctx: Ctx; id: string }): Promise<User> {
  assertAdmin(ctx);
  const row = await loadUser(ctx.db, id);
  return userView(row, await teamIdsOf(ctx.db, row.id));
}
