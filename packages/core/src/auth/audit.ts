import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { logs } from '../db/schema';
import { maskSecrets } from '../security/redact';

/** What a people-side change touched: a user, a team or an API token, named so the row reads alone. */
export type AuditTarget = { type: 'user' | 'team' | 'token'; id: string; label: string };

/**
 * Writes a people-side change (users, teams, tokens) to the Main Log as an `audit` row: who (the actor),
 * when, what (message and `changes`), and the target. It is written in the caller's transaction, so a
 * change and its audit row commit together or not at all. Never pass a password: values under
 * secret-looking keys are masked anyway.
 */
export async function auditChange(
  ctx: Ctx,
  q: Queryable,
  entry: {
    message: string;
    target: AuditTarget;
    changes?: Record<string, unknown>;
    level?: 'info' | 'warning';
    extra?: Record<string, unknown>;
  },
): Promise<void> {
  await q.insert(logs).values({
    at: ctx.now(),
    source: 'audit',
    level: entry.level ?? 'info',
    message: entry.message,
    accountId: null,
    actor: ctx.actor.label,
    context: maskSecrets({
      target: entry.target,
      ...(entry.changes ? { changes: entry.changes } : {}),
      ...(entry.extra ?? {}),
      via: ctx.actor.via,
    }),
  });
}
