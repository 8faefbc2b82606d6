import { and, count, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { suppressions } from '../db/schema';
import { parseInput } from '../errors';
import type { ListResult } from '../schemas/common';
import { type SuppressionView, suppressionListQuerySchema } from '../schemas/suppressions';
import { readableScope } from './access';
import { toSuppressionView } from './view';

/** The suppression list, newest first: search by part of the address, by reason, by scope (`system` or a team). */
export async function listSuppressions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<ListResult<SuppressionView>> {
  const q = parseInput(suppressionListQuerySchema, input);
  const where: Array<SQL | undefined> = [readableScope(ctx.actor)];
  if (q.q) {
    const like = `%${q.q
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(sql`${suppressions.address} like ${like}`);
  }
  if (q.reason) where.push(eq(suppressions.reason, q.reason));
  if (q.scope)
    where.push(q.scope === 'system' ? isNull(suppressions.teamId) : eq(suppressions.teamId, q.scope));
  const cond = and(...where);
  const [total] = await ctx.db.select({ n: count() }).from(suppressions).where(cond);
  const rows = await ctx.db
    .select()
    .from(suppressions)
    .where(cond)
    .orderBy(desc(suppressions.createdAt), desc(suppressions.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return {
    items: rows.map(toSuppressionView),
    total: Number(total?.n ?? 0),
    page: q.page,
    pageSize: q.pageSize,
  };
}
