import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { suppressions, teams } from '../db/schema';
import { newId } from '../ids';
import type { SuppressionReason } from '../schemas/suppressions';
import { normalAddress, type SuppressionRow } from './view';

export type NewSuppression = {
  address: string;
  teamId: string | null;
  reason: SuppressionReason;
  source: SuppressionRow['source'];
  messageId?: string | null;
  detail?: string | null;
  createdBy: string | null;
  at: Date;
};

/**
 * Puts addresses on the list in one statement; an address already listed in that scope keeps its entry
 * (the first reason stays). Returns the rows it added.
 */
export async function suppressAddresses(q: Queryable, entries: NewSuppression[]): Promise<SuppressionRow[]> {
  if (entries.length === 0) return [];
  const values = entries.map((e) => ({
    id: newId(),
    address: normalAddress(e.address),
    teamId: e.teamId,
    reason: e.reason,
    source: e.source,
    messageId: e.messageId ?? null,
    detail: e.detail ?? null,
    createdAt: e.at,
    createdBy: e.createdBy,
  }));
  // Two partial unique indexes (system, team): "on conflict do nothing" without a target covers both.
  return q.insert(suppressions).values(values).onConflictDoNothing().returning();
}

/** Suppressions that stop a send of `teamId` to these addresses: system-wide ones and the team's own. */
export async function suppressedAmong(
  q: Queryable,
  addresses: string[],
  teamId: string | null,
): Promise<Map<string, SuppressionRow>> {
  const out = new Map<string, SuppressionRow>();
  if (addresses.length === 0) return out;
  const wanted = [...new Set(addresses.map(normalAddress))];
  const rows = await q
    .select()
    .from(suppressions)
    .where(
      and(
        inArray(suppressions.address, wanted),
        teamId
          ? or(isNull(suppressions.teamId), eq(suppressions.teamId, teamId))
          : isNull(suppressions.teamId),
      ),
    );
  // A system entry wins over a team's for the same address (it is the wider one).
  for (const r of rows) if (!out.has(r.address) || r.teamId === null) out.set(r.address, r);
  return out;
}

/**
 * The scope a bounce, complaint or the soft-bounce limit on a message of `teamId` lists the address in: the
 * team's own list when the team says `suppressionScope: team`, else the system list (also for messages of
 * no team, and of a team deleted meanwhile).
 */
export async function automaticScope(q: Queryable, teamId: string | null): Promise<string | null> {
  if (!teamId) return null;
  const [team] = await q.select({ scope: teams.suppressionScope }).from(teams).where(eq(teams.id, teamId));
  return team?.scope === 'team' ? teamId : null;
}
