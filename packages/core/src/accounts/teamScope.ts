import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
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
 * The same filter for rows that belong to a team through their account (`accountId`): the account's
 * id is among the ids of the accounts in scope, read once before the scan (`= any(array(…))`, never a
 * join), so the list's query keeps its one table and its indexes.
 */
export function teamScopeByAccount(accountId: AnyPgColumn, teamId: string | undefined): SQL | undefined {
  const own = teamScopeOn(accounts.teamId, teamId);
  if (!own) return undefined;
  return sql`${accountId} = any(array(select ${accounts.id} from ${accounts} where ${own}))`;
}
