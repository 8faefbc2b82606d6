import type { Actor } from '../context';
import { forbidden, notFound } from '../errors';
import type { AccountRow } from './types';

/** Admins and viewers see every account; a team admin sees system-level accounts and their own teams'. */
export function canRead(actor: Actor, teamId: string | null): boolean {
  if (actor.role !== 'team_admin') return true;
  return teamId === null || actor.teamIds.includes(teamId);
}

/** Admins change anything; team admins only their own teams' accounts; viewers nothing. */
export function canWrite(actor: Actor, teamId: string | null): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'team_admin') return teamId !== null && actor.teamIds.includes(teamId);
  return false;
}

export function assertCanWrite(actor: Actor, teamId: string | null): void {
  if (actor.role === 'viewer') throw forbidden('Viewers cannot change mail accounts');
  if (!canWrite(actor, teamId)) {
    throw forbidden(
      teamId === null
        ? 'Only admins can change system-level accounts'
        : 'You can only change accounts of your own teams',
    );
  }
}

/** Loads-then-checks helper: an account the actor may not read is reported as not found (no existence leak). */
export function assertReadable(actor: Actor, row: AccountRow | undefined): AccountRow {
  if (!row || !canRead(actor, row.teamId)) throw notFound('Account');
  return row;
}
