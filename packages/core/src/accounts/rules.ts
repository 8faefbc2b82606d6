import { and, eq, ne, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { accounts, teams } from '../db/schema';
import { type FieldError, MailroomError } from '../errors';
import type {
  OutgoingSettings,
  OutgoingStored,
  SettingsOf,
  StoredOf,
  TransportKind,
} from '../schemas/account';
import { transportOf } from '../transports/registry';
import { type StoredParts, secretsUsed } from './codec';

/** Names are unique among live accounts, ignoring case (deleted ones free their name). */
export async function assertNameFree(q: Queryable, name: string, exceptId?: string): Promise<void> {
  const rows = await q
    .select({ id: accounts.id })
    .from(accounts)
    .where(
      and(
        sql`lower(${accounts.name}) = lower(${name})`,
        ne(accounts.stage, 'deleted'),
        exceptId ? ne(accounts.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  if (rows.length > 0) {
    throw new MailroomError('name_taken', `An account named "${name}" already exists`, {
      errors: [{ path: 'name', message: 'is already used by another account' }],
    });
  }
}

export async function assertTeamExists(q: Queryable, teamId: string | null): Promise<void> {
  if (teamId === null) return;
  const rows = await q.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId)).limit(1);
  if (rows.length === 0) {
    throw new MailroomError('validation_failed', 'teamId does not name a team', {
      errors: [{ path: 'teamId', message: 'does not name an existing team' }],
    });
  }
}

/** Each part needs the secrets its settings use stored: a password account without a password cannot send. */
export function assertSecretsPresent(parts: StoredParts, secretKeys: Set<string>): void {
  const errors: FieldError[] = [];
  for (const dir of ['outgoing', 'incoming'] as const) {
    const part = parts[dir];
    if (!part) continue;
    for (const use of secretsUsed(part)) {
      const path = `${dir}.${use.field}`;
      if (use.required && !secretKeys.has(path)) {
        errors.push({
          path,
          message:
            use.field === 'auth.refreshToken'
              ? 'is required: sign in with the provider (oauthAuthorizationId) or give a refresh token'
              : 'is required',
        });
      }
    }
  }
  if (errors.length > 0) {
    throw new MailroomError('validation_failed', `${errors[0]!.path} ${errors[0]!.message}`, { errors });
  }
}

const allowedOf = <K extends TransportKind>(
  kind: K,
  ctx: Pick<Ctx, 'actor' | 'config'>,
  next: SettingsOf<K>,
  previous: StoredOf<K> | null,
) => transportOf(kind).assertAllowed?.(ctx, next, previous);

/**
 * What an outgoing part may point at, beyond its shape: each transport's own rules (sendmail: full admins
 * and operator-allowed paths only; HTTP APIs: https:// base URLs without credentials). `previous` is the
 * stored part on an update: an unchanged choice may be kept by anyone who may edit the account.
 */
export function assertOutgoingAllowed(
  ctx: Pick<Ctx, 'actor' | 'config'>,
  next: OutgoingSettings | null | undefined,
  previous?: OutgoingStored | null,
): void {
  if (!next) return;
  allowedOf(next.transport, ctx, next, previous?.transport === next.transport ? previous : null);
}
