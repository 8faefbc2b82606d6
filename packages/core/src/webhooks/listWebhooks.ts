import { and, count, desc, inArray, isNotNull, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { teamScopeOn } from '../accounts/teamScope';
import type { Ctx } from '../context';
import { webhookEndpoints } from '../db/schema';
import { parseInput } from '../errors';
import type { ListResult } from '../schemas/common';
import { type Webhook, webhookListQuerySchema } from '../schemas/webhooks';
import { toWebhook } from './view';

/** Endpoints the actor may read, newest first; a team admin sees only their teams' endpoints. */
export async function listWebhooks({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof webhookListQuerySchema>;
}): Promise<ListResult<Webhook>> {
  const q = parseInput(webhookListQuerySchema, input);
  const where: SQL[] = [];
  const byTeam = teamScopeOn(webhookEndpoints.teamId, q.teamId);
  if (byTeam) where.push(byTeam);
  if (ctx.actor.role === 'team_admin') {
    where.push(isNotNull(webhookEndpoints.teamId));
    where.push(inArray(webhookEndpoints.teamId, ctx.actor.teamIds.length > 0 ? ctx.actor.teamIds : ['']));
  }
  const filter = where.length > 0 ? and(...where) : undefined;
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(webhookEndpoints)
      .where(filter)
      .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    ctx.db.select({ n: count() }).from(webhookEndpoints).where(filter),
  ]);
  const now = ctx.now();
  return {
    items: rows.map((r) => toWebhook(r, now)),
    total: total?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}
