import type { Ctx } from '../../context';
import { apiTokens } from '../../db/schema';
import { parseInput } from '../../errors';
import { newId } from '../../ids';
import { type ApiToken, tokenInputSchema } from '../../schemas/auth';
import { randomToken, sha256 } from '../../security/hash';
import { auditChange } from '../audit';
import { assertAdmin, assertTeamAdminHasTeam, assertTeamsExist } from '../users/guards';
import { TOKEN_PREFIX } from './view';

/**
 * Creates an API token (admins only); the token is returned here once and stored only as a hash. It stands
 * for the user who created it (or the user behind the creating token) and stops when that user is disabled.
 */
export async function createToken({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ id: string; name: string; role: ApiToken['role']; token: string }> {
  const data = parseInput(tokenInputSchema, input);
  assertAdmin(ctx);
  const teamIds = [...new Set(data.teamIds)];
  assertTeamAdminHasTeam(data.role, teamIds, 'a team admin token');
  const token = `${TOKEN_PREFIX}${randomToken(30)}`;
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    await assertTeamsExist(tx, teamIds, 'teamIds');
    await tx.insert(apiTokens).values({
      id,
      name: data.name,
      role: data.role,
      teamIds,
      prefix: token.slice(0, 10),
      tokenHash: sha256(token),
      createdBy: ctx.actor.label,
      userId: ctx.actor.userId,
      createdAt: ctx.now(),
    });
    await auditChange(ctx, tx, {
      message: `API token “${data.name}” created (${data.role})`,
      target: { type: 'token', id, label: data.name },
      changes: { role: data.role, teamIds },
    });
  });
  return { id, name: data.name, role: data.role, token };
}
