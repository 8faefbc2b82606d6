import { inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { Actor, Ctx } from '../context';
import { suppressions } from '../db/schema';
import { forbidden } from '../errors';
import { readableMessageIds } from '../outbox/listMessages';
import type { SuppressionRow } from './view';

/** Admins and viewers read every entry; a team admin reads system entries and their own teams'. */
export function readableScope(actor: Actor): SQL | undefined {
  if (actor.role !== 'team_admin') return undefined;
  return actor.teamIds.length
    ? or(isNull(suppressions.teamId), inArray(suppressions.teamId, actor.teamIds))
    : isNull(suppressions.teamId);
}

/** Admins change any entry; team admins their teams' entries only; viewers none (as with accounts). */
export function assertCanManage(actor: Actor, teamId: string | null): void {
  if (actor.role === 'admin') return;
  if (actor.role === 'team_admin' && teamId !== null && actor.teamIds.includes(teamId)) return;
  throw forbidden(
    actor.role === 'viewer'
      ? 'Viewers cannot change the suppression list'
      : teamId === null
        ? 'Only admins can change system-wide suppressions'
        : 'You can only change the suppressions of your own teams',
  );
}

/**
 * The entries as the actor may read them: an entry a bounce or complaint added names its message and quotes
 * the report's diagnostic. When that message is one the actor cannot read (a team admin, another team's
 * message), both are blanked; the address, reason and source stay, so the team knows why sends to it stop.
 */
export async function redactForeign(ctx: Ctx, rows: SuppressionRow[]): Promise<SuppressionRow[]> {
  const readable = await readableMessageIds(
    ctx,
    rows.flatMap((r) => (r.messageId ? [r.messageId] : [])),
  );
  return rows.map((r) =>
    r.messageId && !readable(r.messageId) ? { ...r, messageId: null, detail: null } : r,
  );
}
