import { and, eq, ne } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { teams } from '../../db/schema';
import { MailroomError, notFound } from '../../errors';

export type TeamRow = typeof teams.$inferSelect;

/** Loads a team (locked for the transaction when `lock`), or 404. */
export async function loadTeam(q: Queryable, id: string, lock = false): Promise<TeamRow> {
  const query = q.select().from(teams).where(eq(teams.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Team');
  return row;
}

/** Team names are unique. */
export async function assertTeamNameFree(q: Queryable, name: string, exceptId?: string): Promise<void> {
  const [existing] = await q
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.name, name), exceptId ? ne(teams.id, exceptId) : undefined));
  if (existing) {
    throw new MailroomError('conflict', `A team named ${name} already exists`, {
      errors: [{ path: 'name', message: 'is already used by another team' }],
    });
  }
}
