import { and, eq, ne, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { accounts, teams } from '../db/schema';
import { httpUrlProblem } from '../door/httpUrl';
import { type FieldError, forbidden, MailroomError } from '../errors';
import type { AccountParsed, OutgoingParsed } from '../schemas/account';
import { sendmailPathProblem } from '../transport/sendmail';
import { getPath } from './codec';

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

/** Each auth method needs its secrets stored: a password account without a password cannot send. */
export function assertSecretsPresent(
  doc: Pick<AccountParsed, 'outgoing' | 'incoming'>,
  secretKeys: Set<string>,
): void {
  const errors: FieldError[] = [];
  for (const dir of ['outgoing', 'incoming'] as const) {
    const part = doc[dir];
    if (!part) continue;
    if ('transport' in part && part.transport === 'mailgun' && !secretKeys.has('outgoing.apiKey')) {
      errors.push({ path: 'outgoing.apiKey', message: 'is required' });
    }
    const method = getPath(part, 'auth.method');
    if (method === 'password' && !secretKeys.has(`${dir}.auth.password`)) {
      errors.push({ path: `${dir}.auth.password`, message: 'is required' });
    }
    if (method === 'oauth2' && !secretKeys.has(`${dir}.auth.refreshToken`)) {
      errors.push({ path: `${dir}.auth.refreshToken`, message: 'is required' });
    }
  }
  if (errors.length > 0) {
    throw new MailroomError('validation_failed', `${errors[0]!.path} ${errors[0]!.message}`, { errors });
  }
}

/**
 * What an outgoing part may point at, beyond its shape. sendmail runs a program on this server: only full
 * admins choose it, and only among the paths the operator allowed. An HTTP API's base URL is https://
 * (plain http:// only on loopback where private hosts are allowed) and never carries credentials.
 * `previous` is the stored part on an update: an unchanged sendmail choice may be kept by anyone who may
 * edit the account.
 */
export function assertOutgoingAllowed(
  ctx: Pick<Ctx, 'actor' | 'config'>,
  next: OutgoingParsed | null | undefined,
  previous?: Record<string, unknown> | null,
): void {
  if (!next) return;
  if (next.transport === 'sendmail') {
    const kept = previous?.transport === 'sendmail' && previous.path === next.path;
    if (kept) return;
    if (ctx.actor.role !== 'admin') {
      throw forbidden('Only admins may choose the sendmail transport: it runs a program on the server');
    }
    const problem = sendmailPathProblem(next.path, ctx.config.sendmailPaths);
    if (problem) {
      throw new MailroomError('validation_failed', `outgoing.path ${problem}`, {
        errors: [{ path: 'outgoing.path', message: problem }],
      });
    }
  }
  if (next.transport === 'mailgun') {
    const problem = httpUrlProblem(next.baseUrl, ctx.config.allowPrivateHosts);
    if (problem) {
      throw new MailroomError('validation_failed', `outgoing.baseUrl ${problem}`, {
        errors: [{ path: 'outgoing.baseUrl', message: problem }],
      });
    }
  }
}
