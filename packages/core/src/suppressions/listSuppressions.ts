import { and, eq, type SQL, sql } from 'drizzle-orm';
import { teamScopeOn } from '../accounts/teamScope';
import type { Ctx } from '../context';
import { cappedCount, decodeCursor, exactAt, finishPage, keyset } from '../db/keyset';
import { suppressions } from '../db/schema';
import { parseInput } from '../errors';
import type { CursorListResult } from '../schemas/common';
import { type SuppressionView, suppressionListQuerySchema } from '../schemas/suppressions';
import { readableScope, redactForeign } from './access';
import { toSuppressionView } from './view';

/**
 * The suppression list, newest first, paged by keyset like the other lists: search by part of the
 * address, by reason, by scope (`system` or a team's id).
 */
export async function listSuppressions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<CursorListResult<SuppressionView>> {
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
  where.push(teamScopeOn(suppressions.teamId, q.teamId ?? q.scope));
  const cond = and(...where);
  const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
  const page = keyset({ at: suppressions.createdAt, id: suppressions.id }, cursor);
  const offset = cursor ? 0 : (q.page - 1) * q.pageSize;
  const [counted, rows] = await Promise.all([
    cappedCount(ctx.db, ctx.db.select({ one: sql`1` }).from(suppressions).where(cond)),
    ctx.db
      .select({ s: suppressions, at: exactAt(suppressions.createdAt) })
      .from(suppressions)
      .where(and(cond, page.where))
      .orderBy(...page.orderBy)
      .limit(q.pageSize + 1)
      .offset(offset),
  ]);
  const { items, ...links } = finishPage(rows, {
    pageSize: q.pageSize,
    cursor,
    offset,
    key: (r) => ({ at: r.at, id: r.s.id }),
  });
  return {
    items: (
      await redactForeign(
        ctx,
        items.map((r) => r.s),
      )
    ).map(toSuppressionView),
    ...counted,
    page: q.page,
    pageSize: q.pageSize,
    ...links,
  };
}
