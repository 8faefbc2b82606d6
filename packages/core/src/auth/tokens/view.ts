import type { apiTokens } from '../../db/schema';
import type { ApiToken } from '../../schemas/auth';

/** A token as lists show it: never its value or hash. */
export function tokenView(row: typeof apiTokens.$inferSelect): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    teamIds: row.teamIds,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

export const TOKEN_PREFIX = 'mr_';
