import { and, eq, isNull } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { apiTokens } from '../../db/schema';
import { notFound } from '../../errors';
import { auditChange } from '../audit';
import { assertAdmin } from '../users/guards';
import { forgetTokens } from './cache';

/** Revokes an API token (admins only); it stops working at once. */
export async function revokeToken({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  assertAdmin(ctx);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: ctx.now() })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id, name: apiTokens.name });
    if (!row) throw notFound('Token');
    await auditChange(ctx, tx, {
      message: `API token “${row.name}” revoked`,
      target: { type: 'token', id: row.id, label: row.name },
    });
  });
  forgetTokens(ctx.db, { tokenIds: [id] });
}
