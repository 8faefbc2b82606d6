import { canRead, canWrite } from '../accounts/access';
import type { Actor } from '../context';
import { forbidden, notFound } from '../errors';

/** Webhooks follow the accounts' scopes: a team admin reads system-level and own-team endpoints. */
export function canReadWebhook(actor: Actor, teamId: string | null): boolean {
  // A system endpoint receives every team's events: only admins and viewers may see it.
  if (actor.role === 'team_admin') return teamId !== null && canRead(actor, teamId);
  return true;
}

export function assertReadableWebhook<T extends { teamId: string | null }>(
  actor: Actor,
  row: T | undefined,
): T {
  if (!row || !canReadWebhook(actor, row.teamId)) throw notFound('Webhook endpoint');
  return row;
}

/** Admins change any endpoint; team admins only their teams' ones; viewers none. */
export function assertCanWriteWebhook(actor: Actor, teamId: string | null): void {
  if (actor.role === 'viewer') throw forbidden('Viewers cannot change webhook endpoints');
  if (!canWrite(actor, teamId)) {
    throw forbidden(
      teamId === null
        ? 'Only admins can change system-level webhook endpoints'
        : 'You can only change webhook endpoints of your own teams',
    );
  }
}
