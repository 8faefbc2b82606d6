import { eq } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { teams } from '../../db/schema';
import { parseInput } from '../../errors';
import { type Team, teamUpdateSchema } from '../../schemas/auth';
import { auditChange } from '../audit';
import { assertAdmin } from '../users/guards';
import { assertTeamNameFree, loadTeam } from './guards';
import { teamView } from './view';

/**
 * Renames a team and/or sets where its automatic suppressions go (admins only); accounts, members and
 * defaults follow by id. The scope applies to reports applied from now on: entries already listed stay
 * where they are.
 */
export async function updateTeam({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<Team> {
  const { name, suppressionScope } = parseInput(teamUpdateSchema, input);
  assertAdmin(ctx);
  return ctx.db.transaction(async (tx) => {
    const row = await loadTeam(tx, id, true);
    const changes: Record<string, { from: string; to: string }> = {};
    if (name !== undefined && name !== row.name) changes.name = { from: row.name, to: name };
    if (suppressionScope !== undefined && suppressionScope !== row.suppressionScope)
      changes.suppressionScope = { from: row.suppressionScope, to: suppressionScope };
    if (Object.keys(changes).length === 0) return teamView(tx, row);
    if (changes.name) await assertTeamNameFree(tx, changes.name.to, row.id);
    const [updated] = await tx
      .update(teams)
      .set({
        ...(changes.name ? { name: changes.name.to } : {}),
        ...(changes.suppressionScope ? { suppressionScope } : {}),
      })
      .where(eq(teams.id, row.id))
      .returning();
    if (!updated) throw new Error('update of teams returned no row');
    const said = [
      changes.name ? `renamed to “${updated.name}”` : '',
      changes.suppressionScope
        ? `automatic suppressions now go to the ${updated.suppressionScope === 'team' ? "team's own list" : 'system list'}`
        : '',
    ].filter(Boolean);
    await auditChange(ctx, tx, {
      message: `Team “${row.name}” ${said.join('; ')}`,
      target: { type: 'team', id: row.id, label: updated.name },
      changes,
    });
    return teamView(tx, updated);
  });
}
