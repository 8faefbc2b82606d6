import { and, asc, gt } from 'drizzle-orm';
import { teamScopeOn } from '../accounts/teamScope';
import type { Ctx } from '../context';
import { suppressions } from '../db/schema';
import { parseInput } from '../errors';
import { csvLine } from '../reports/csv';
import { suppressionExportQuerySchema } from '../schemas/suppressions';
import { readableScope, redactForeign } from './access';

const PAGE = 5000;

/**
 * The list the actor may read (narrowed by `teamId` as the list is) as CSV (`address,reason,scope,source,message_id,detail,created_at,created_by`),
 * read in pages so a long list is never held in one query result. The first two columns import back as is.
 * Another team's message id and diagnostic are blanked for a team admin (redactForeign).
 */
export async function exportSuppressions({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<string> {
  const q = parseInput(suppressionExportQuerySchema, input ?? {});
  const scope = and(readableScope(ctx.actor), teamScopeOn(suppressions.teamId, q.teamId));
  const out = [
    csvLine(['address', 'reason', 'scope', 'source', 'message_id', 'detail', 'created_at', 'created_by']),
  ];
  let after: string | undefined;
  for (;;) {
    const rows = await ctx.db
      .select()
      .from(suppressions)
      .where(and(scope, after ? gt(suppressions.id, after) : undefined))
      .orderBy(asc(suppressions.id))
      .limit(PAGE);
    for (const r of await redactForeign(ctx, rows)) {
      out.push(
        csvLine([
          r.address,
          r.reason,
          r.teamId ?? 'system',
          r.source,
          r.messageId,
          r.detail,
          r.createdAt,
          r.createdBy,
        ]),
      );
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  return out.join('');
}
