import { desc, isNull } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { apiTokens } from '../../db/schema';
import type { ApiToken } from '../../schemas/auth';
import { assertAdmin } from '../users/guards';
import { tokenView } from './view';

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
