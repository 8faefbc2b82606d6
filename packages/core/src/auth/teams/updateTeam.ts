import { eq } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { teams } from '../../db/schema';
import { parseInput } from '../../errors';
import { type Team, teamUpdateSchema } from '../../schemas/auth';
import { auditChange } from '../audit';
import { assertAdmin } from '../users/guards';
import { assertTeamNameFree, loadTeam } from './guards';
import { teamView } from './view';

/** Renames a team (admins only); accounts, members and defaults follow by id. */
export async function renameTeam({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<Team> {
  const { name } = parseInput(teamUpdateSchema, input);
  assertAdmin(ctx);
  return ctx.db.transaction(async (tx) => {
    const row = await loadTeam(tx, id, true);
    if (row.name === name) return teamView(tx, row);
    await assertTeamNameFree(tx, name, row.id);
    const [updated] = await tx.update(teams).set({ name }).where(eq(teams.id, row.id)).returning();
    if (!updated) throw new Error('update of teams returned no row');
    await auditChange(ctx, tx, {
      message: `Team “${row.name}” renamed to “${name}”`,
      target: { type: 'team', id: row.id, label: name },
      changes: { name: { from: row.name, to: name } },
    });
    return teamView(tx, updated);
  });
}
