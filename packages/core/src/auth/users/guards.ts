import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Ctx } from '../../context';
import type { Queryable } from '../../db/client';
import { teams, users } from '../../db/schema';
import { forbidden, MailroomError, notFound } from '../../errors';
import { type UserRow, userLabel } from './view';

/**
 * People are managed by full admins only. Roles and teams are system-wide grants: a team admin who could
 * edit a user could give them another team's accounts (or make them an admin), and a user often belongs
 * to several teams, so "their own users" would not be a boundary (see accounts/access.ts: team admins
 * change only their own teams' accounts).
 */
export function assertAdmin(ctx: Ctx): void {
  if (ctx.actor.role !== 'admin') throw forbidden('Only admins can do this');
}

/** Loads a user (locked for the transaction when `lock`), or 404. */
export async function loadUser(q: Queryable, id: string, lock = false): Promise<UserRow> {
  const query = q.select().from(users).where(eq(users.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('User');
  return row;
}

/** Refuses unknown team ids, naming each (`teamIds.1`). */
export async function assertTeamsExist(q: Queryable, ids: string[], path: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await q.select({ id: teams.id }).from(teams).where(inArray(teams.id, ids));
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) {
    throw new MailroomError('validation_failed', `${path} names unknown teams`, {
      errors: missing.map((id) => ({
        path: `${path}.${ids.indexOf(id)}`,
        message: `team ${id} does not exist`,
      })),
    });
  }
}

/** A team admin without a team could change nothing; one team at least is required. */
export function assertTeamAdminHasTeam(role: string, teamIds: string[], what = 'a team admin'): void {
  if (role === 'team_admin' && teamIds.length === 0) {
    throw new MailroomError('validation_failed', `teamIds is required for ${what}`, {
      errors: [{ path: 'teamIds', message: `${what} needs at least one team` }],
    });
  }
}

/**
 * Locks the enabled admins, in id order, and returns their ids. Verbs that may take away an admin take
 * this lock before the target's row, so two admins disabling each other at once are serialized (the
 * second sees the first's change) and never deadlock.
 */
export async function lockEnabledAdmins(q: Queryable): Promise<string[]> {
  const rows = await q
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.disabledAt)))
    .orderBy(asc(users.id))
    .for('update');
  return rows.map((r) => r.id);
}

/** Refuses a change that would leave no enabled admin (nobody could then manage people or system accounts). */
export function assertAdminRemains(
  target: UserRow,
  enabledAdmins: string[],
  change: 'disable' | 'delete' | 'demote',
): void {
  if (target.role !== 'admin' || target.disabledAt) return;
  if (enabledAdmins.some((id) => id !== target.id)) return;
  const verb = { disable: 'disabled', delete: 'deleted', demote: 'given another role' }[change];
  throw new MailroomError(
    'conflict',
    `${userLabel(target)} is the only enabled admin and cannot be ${verb}: nobody could manage users or system accounts`,
    {
      errors: [{ path: change === 'demote' ? 'role' : '(body)', message: 'is the last enabled admin' }],
      hint: 'Make another user an admin (or enable one) first.',
    },
  );
}
