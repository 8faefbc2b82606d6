import type { Ctx } from '../../context';
import { teams } from '../../db/schema';
import { parseInput } from '../../errors';
import { newId } from '../../ids';
import { type Team, teamInputSchema } from '../../schemas/auth';
import { auditChange } from '../audit';
import { assertAdmin } from '../users/guards';
import { assertTeamNameFree } from './guards';
import { teamView } from './view';

/** Creates a team (admins only), with where its automatic suppressions go (`system` unless said). */
export async function createTeam({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Team> {
  const { name, suppressionScope = 'system' } = parseInput(teamInputSchema, input);
  assertAdmin(ctx);
  return ctx.db.transaction(async (tx) => {
    await assertTeamNameFree(tx, name);
    const [row] = await tx
      .insert(teams)
      .values({ id: newId(), name, suppressionScope, createdAt: ctx.now() })
      .returning();
    if (!row) throw new Error('insert into teams returned no row');
    await auditChange(ctx, tx, {
      message: `Team “${name}” created`,
      target: { type: 'team', id: row.id, label: name },
      extra: { suppressionScope },
    });
    return teamView(tx, row);
  });
}
