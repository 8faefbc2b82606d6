import { and, count, inArray, isNotNull } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { accounts, type teams, userTeams } from '../../db/schema';
import type { Team } from '../../schemas/auth';

type TeamRow = typeof teams.$inferSelect;

/** Teams with how many users and accounts each holds (what deleting one would touch). */
export async function teamViews(q: Queryable, rows: TeamRow[]): Promise<Team[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const members = await q
    .select({ teamId: userTeams.teamId, n: count() })
    .from(userTeams)
    .where(inArray(userTeams.teamId, ids))
    .groupBy(userTeams.teamId);
  const owned = await q
    .select({ teamId: accounts.teamId, n: count() })
    .from(accounts)
    .where(and(isNotNull(accounts.teamId), inArray(accounts.teamId, ids)))
    .groupBy(accounts.teamId);
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    createdAt: t.createdAt.toISOString(),
    suppressionScope: t.suppressionScope,
    members: Number(members.find((m) => m.teamId === t.id)?.n ?? 0),
    accounts: Number(owned.find((a) => a.teamId === t.id)?.n ?? 0),
  }));
}

export async function teamView(q: Queryable, row: TeamRow): Promise<Team> {
  const [view] = await teamViews(q, [row]);
  return view!;
}
