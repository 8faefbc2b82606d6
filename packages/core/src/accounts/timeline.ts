import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { accountEvents } from '../db/schema';
import { newId } from '../ids';
import { maskSecrets } from '../security/redact';

export type TimelineType =
  | 'created'
  | 'updated'
  | 'stage_changed'
  | 'comment'
  | 'tested'
  | 'verification_sent'
  | 'verified'
  | 'verification_reset'
  | 'default_set'
  | 'default_cleared'
  | 'health_changed'
  /** A bounce mailbox's fetch brought bounces, complaints or auto-replies (recipients/bounceMailbox.ts). */
  | 'bounce_reports'
  /** An OAuth2 connect (or reconnect) stored its tokens (oauth/connectAccount.ts). */
  | 'oauth_connected'
  /** The provider refused the refresh token (revoked consent, invalid_grant): reconnect needed. */
  | 'oauth_revoked';

/** Appends an event to an account's timeline, in the caller's transaction; secret-looking values are masked. */
export async function addTimelineEvent(
  ctx: Ctx,
  q: Queryable,
  accountId: string,
  type: TimelineType,
  summary: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  await q.insert(accountEvents).values({
    id: newId(),
    accountId,
    at: ctx.now(),
    actor: ctx.actor.label,
    type,
    summary,
    data: maskSecrets(data),
  });
}
