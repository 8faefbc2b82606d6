import { asc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { teams, type users, userTeams } from '../../db/schema';
import type { Role, User } from '../../schemas/auth';

export type UserRow = typeof users.$inferSelect;

/** The teams a user belongs to. */
export async function teamIdsOf(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q
    .select({ teamId: userTeams.teamId })
    .from(userTeams)
    .where(eq(userTeams.userId, userId));
  return rows.map((r) => r.teamId);
}

/** A user as the API shows it: never the password hash. */
export function userView(row: UserRow, teamIds: string[]): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    teamIds,
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
    mustChangePassword: row.mustChangePassword,
    displayName: row.displayName,
    sendingAddress: row.sendingAddress,
  };
}

/**
 * The From a user's sends without one ask for (see routing/sendAs.ts): their sending address, named by
 * their display name or else their name; a display name alone names the account's own address.
 */
export function senderOf(row: Pick<UserRow, 'name' | 'displayName' | 'sendingAddress'>): {
  name: string | null;
  address: string | null;
} {
  return { name: row.displayName ?? (row.sendingAddress ? row.name : null), address: row.sendingAddress };
}

/** The audit changes of a user's sending identity (display name, sending address) a patch makes. */
export function senderChanges(
  row: Pick<UserRow, 'displayName' | 'sendingAddress'>,
  patch: { displayName?: string | null | undefined; sendingAddress?: string | null | undefined },
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  if (patch.displayName !== undefined && patch.displayName !== row.displayName)
    out.displayName = { from: row.displayName, to: patch.displayName };
  if (patch.sendingAddress !== undefined && patch.sendingAddress !== row.sendingAddress)
    out.sendingAddress = { from: row.sendingAddress, to: patch.sendingAddress };
  return out;
}

/** Team names by id, for audit rows a person can read after the team is renamed or gone. */
export async function teamNames(q: Queryable, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await q
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(inArray(teams.id, ids))
    .orderBy(asc(teams.name));
  return ids.map((id) => rows.find((r) => r.id === id)?.name ?? id);
}

const rank: Record<Role, number> = { viewer: 1, team_admin: 2, admin: 3 };

/** True when role `a` may do more than role `b` (admin > team admin > viewer). */
export function outranks(a: Role, b: Role): boolean {
  return rank[a] > rank[b];
}

/** How a user is named in messages and audit rows: `Ann Smith <ann@example.com>`. */
export function userLabel(row: Pick<UserRow, 'name' | 'email'>): string {
  return `${row.name} <${row.email}>`;
}

/** A role as people say it: `team admin`, not `team_admin`. */
export function roleLabel(role: Role): string {
  return role.replace('_', ' ');
}

const listed = (names: unknown) => (Array.isArray(names) && names.length ? names.join(', ') : 'none');

/** `name “Ann” → “Ann Lee”; role viewer → team admin; teams none → Sales`, for the audit row's message. */
export function describeChanges(changes: Record<string, { from: unknown; to: unknown }>): string {
  return Object.entries(changes)
    .map(([field, { from, to }]) => {
      if (field === 'role') return `role ${roleLabel(from as Role)} → ${roleLabel(to as Role)}`;
      if (field === 'teams') return `teams ${listed(from)} → ${listed(to)}`;
      if (field === 'displayName' || field === 'sendingAddress') {
        const label = field === 'displayName' ? 'display name' : 'sending address';
        const text = (v: unknown) => (v === null || v === undefined ? 'none' : `“${String(v)}”`);
        return `${label} ${text(from)} → ${text(to)}`;
      }
      return `${field} “${String(from)}” → “${String(to)}”`;
    })
    .join('; ');
}
