import { inArray, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '../db/client';
import { accounts } from '../db/schema';

/** `system` (or `null`, as old links say) asks for system-level rows; any other text is a team's id. */
export const isSystemScope = (teamId: string | undefined): boolean =>
  teamId === 'system' || teamId === 'null';

/**
 * The lists' `teamId` filter (schemas/common `teamScopeParam`) on a row's own team column: that team's
 * rows, or those with no team for `system`; no condition when it is absent or empty.
 */
export function teamScopeOn(column: AnyPgColumn | SQL, teamId: string | undefined): SQL | undefined {
  if (!teamId) return undefined;
  return isSystemScope(teamId) ? sql`${column} is null` : sql`${column} = ${teamId}`;
}

/**
 * The ids of the accounts a `teamId` scope covers (a team's; the system's, with no team, for `system`),
 * read before the list's query; undefined when no scope is asked.
 */
export async function accountsInScope(
  q: Queryable,
  teamId: string | undefined,
): Promise<string[] | undefined> {
  const own = teamScopeOn(accounts.teamId, teamId);
  if (!own) return undefined;
  const rows = await q.select({ id: accounts.id }).from(accounts).where(own);
  return rows.map((r) => r.id);
}

/**
 * The same filter for rows that belong to a team through their account (`accountId`), given the ids of
 * the accounts in scope (`accountsInScope`) as values in the query: the planner then knows how many rows
 * they have. With the ids computed inside the query it could not, and scanned the whole list's index for
 * a team with few rows or none: 3.0 s at a million Main Log rows for a team with no account, 105 ms at
 * 100,000 fetched mails for a team with none of them (bench/million-rows.ts). No account: no row.
 */
export function byAccounts(accountId: AnyPgColumn, ids: string[] | undefined): SQL | undefined {
  if (!ids) return undefined;
  return ids.length === 0 ? sql`false` : inArray(accountId, ids);
}
