import { asc, count, eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { teams, users, userTeams } from '../db/schema';
import { forbidden, MailroomError, parseInput } from '../errors';
import { newId } from '../ids';
import { type Team, teamInputSchema, type User, userInputSchema } from '../schemas/auth';
import { hashPassword } from '../security/hash';

type UserRow = typeof users.$inferSelect;

export function assertAdmin(ctx: Ctx): void {
  if (ctx.actor.role !== 'admin') throw forbidden('Only admins can do this');
}

export async function teamIdsOf(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q
    .select({ teamId: userTeams.teamId })
    .from(userTeams)
    .where(eq(userTeams.userId, userId));
  return rows.map((r) => r.teamId);
}

export function userView(row: UserRow, teamIds: string[]): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    teamIds,
    createdAt: row.createdAt.toISOString(),
  };
}

async function assertTeamsExist(q: Queryable, ids: string[], path: string): Promise<void> {
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

/** Creates a user (admins only); the password is stored as an scrypt hash. */
export async function createUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<User> {
  assertAdmin(ctx);
  const data = parseInput(userInputSchema, input);
  if (data.role === 'team_admin' && data.teamIds.length === 0) {
    throw new MailroomError('validation_failed', 'teamIds is required for a team admin', {
      errors: [{ path: 'teamIds', message: 'a team admin needs at least one team' }],
    });
  }
  const passwordHash = await hashPassword(data.password);
  return ctx.db.transaction(async (tx) => {
    await assertTeamsExist(tx, data.teamIds, 'teamIds');
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
    if (data.teamIds.length > 0) {
      await tx.insert(userTeams).values(data.teamIds.map((teamId) => ({ userId: row!.id, teamId })));
    }
    return userView(row!, data.teamIds);
  });
}

/** Lists users (admins only). */
export async function listUsers({ ctx }: { ctx: Ctx }): Promise<User[]> {
  assertAdmin(ctx);
  const rows = await ctx.db.select().from(users).orderBy(asc(users.email));
  const memberships = await ctx.db.select().from(userTeams);
  return rows.map((r) =>
    userView(
      r,
      memberships.filter((m) => m.userId === r.id).map((m) => m.teamId),
    ),
  );
}

export async function countUsers(q: Queryable): Promise<number> {
  const [r] = await q.select({ n: count() }).from(users);
  return Number(r?.n ?? 0);
}

/** Creates a team (admins only). */
export async function createTeam({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Team> {
  assertAdmin(ctx);
  const { name } = parseInput(teamInputSchema, input);
  const [existing] = await ctx.db.select({ id: teams.id }).from(teams).where(eq(teams.name, name));
  if (existing) {
    throw new MailroomError('conflict', `A team named ${name} already exists`, {
      errors: [{ path: 'name', message: 'is already used by another team' }],
    });
  }
  const [row] = await ctx.db.insert(teams).values({ id: newId(), name, createdAt: ctx.now() }).returning();
  return { id: row!.id, name: row!.name, createdAt: row!.createdAt.toISOString() };
}

/** Lists teams; team admins see their own. */
export async function listTeams({ ctx }: { ctx: Ctx }): Promise<Team[]> {
  const rows = await ctx.db.select().from(teams).orderBy(asc(teams.name));
  return rows
    .filter((t) => ctx.actor.role !== 'team_admin' || ctx.actor.teamIds.includes(t.id))
    .map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString() }));
}
