import { eq } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { users, userTeams } from '../../db/schema';
import { MailroomError, parseInput } from '../../errors';
import { newId } from '../../ids';
import { type User, userInputSchema } from '../../schemas/auth';
import { hashPassword } from '../../security/hash';
import { auditChange } from '../audit';
import { assertAdmin, assertTeamAdminHasTeam, assertTeamsExist } from './guards';
import { roleLabel, teamNames, userLabel, userView } from './view';

/** Creates a user (admins only); the password is stored as an scrypt hash. */
export async function createUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<User> {
  const data = parseInput(userInputSchema, input);
  assertAdmin(ctx);
  const teamIds = [...new Set(data.teamIds)];
  assertTeamAdminHasTeam(data.role, teamIds);
  const passwordHash = await hashPassword(data.password);
  return ctx.db.transaction(async (tx) => {
    await assertTeamsExist(tx, teamIds, 'teamIds');
    const email = data.email.toLowerCase();
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) {
      throw new MailroomError('conflict', `A user with email ${email} already exists`, {
        errors: [{ path: 'email', message: 'is already registered' }],
      });
    }
    const [row] = await tx
      .insert(users)
      .values({ id: newId(), email, name: data.name, passwordHash, role: data.role, createdAt: ctx.now() })
      .returning();
    if (!row) throw new Error('insert into users returned no row');
    if (teamIds.length > 0) {
      await tx.insert(userTeams).values(teamIds.map((teamId) => ({ userId: row.id, teamId })));
    }
    const names = await teamNames(tx, teamIds);
    await auditChange(ctx, tx, {
      message: `User ${userLabel(row)} created as ${roleLabel(row.role)}${names.length ? ` (teams: ${names.join(', ')})` : ''}`,
      target: { type: 'user', id: row.id, label: row.email },
      changes: { name: row.name, role: row.role, teams: names },
    });
    return userView(row, teamIds);
  });
}
