import { and, asc, count, desc, eq, inArray, isNotNull, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { accountDefaults, accounts } from '../db/schema';
import { parseInput } from '../errors';
import { loadTraffic } from '../health/traffic';
import { type AccountView, accountListQuerySchema, type Direction } from '../schemas/account';
import type { ListResult } from '../schemas/common';
import { toView } from './codec';
import { withoutForeignSends } from './foreignTraffic';
import { teamScopeOn } from './teamScope';

/** Lists accounts with filters, text search, sort and pagination; deleted ones only when asked for. */
export async function listAccounts({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<ListResult<AccountView>> {
  const query = parseInput(accountListQuerySchema, input);
  const where: Array<SQL | undefined> = [];
  if (query.stage === undefined) where.push(ne(accounts.stage, 'deleted'));
  else if (query.stage !== 'all') where.push(eq(accounts.stage, query.stage));
  where.push(teamScopeOn(accounts.teamId, query.teamId));
  if (query.direction)
    where.push(isNotNull(query.direction === 'outgoing' ? accounts.outgoing : accounts.incoming));
  if (query.health) where.push(eq(accounts.health, query.health));
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(
      or(
        sql`${accounts.name} ilike ${like}`,
        sql`coalesce(${accounts.label}, '') ilike ${like}`,
        sql`coalesce(${accounts.outgoing}->>'host', '') ilike ${like}`,
        sql`coalesce(${accounts.outgoing}->'from'->>'address', '') ilike ${like}`,
        sql`coalesce(${accounts.incoming}->>'host', '') ilike ${like}`,
      ),
    );
  }
  if (ctx.actor.role === 'team_admin') {
    where.push(
      ctx.actor.teamIds.length > 0
        ? or(isNull(accounts.teamId), inArray(accounts.teamId, ctx.actor.teamIds))
        : isNull(accounts.teamId),
    );
  }
  const cond = and(...where);
  const desc_ = query.sort.startsWith('-');
  const key = query.sort.replace(/^-/, '') as 'name' | 'updatedAt' | 'createdAt' | 'stage' | 'health';
  const column = key === 'name' ? sql`lower(${accounts.name})` : accounts[key];
  const [total] = await ctx.db.select({ n: count() }).from(accounts).where(cond);
  const rows = await ctx.db
    .select()
    .from(accounts)
    .where(cond)
    .orderBy(desc_ ? desc(column) : asc(column), asc(accounts.id))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  const defaults = rows.length
    ? await ctx.db
        .select()
        .from(accountDefaults)
        .where(
          inArray(
            accountDefaults.accountId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  const byAccount = new Map<string, Array<{ teamId: string | null; direction: Direction }>>();
  for (const d of defaults) {
    const list = byAccount.get(d.accountId) ?? [];
    list.push({ teamId: d.scope === 'system' ? null : d.scope, direction: d.direction });
    byAccount.set(d.accountId, list);
  }
  const traffic = await loadTraffic(ctx.db, rows, ctx.now());
  return {
    items: await withoutForeignSends(
      ctx,
      rows.map((r) => toView(r, byAccount.get(r.id) ?? [], traffic.get(r.id))),
    ),
    total: Number(total?.n ?? 0),
    page: query.page,
    pageSize: query.pageSize,
  };
}
