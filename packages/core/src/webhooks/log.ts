import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { logs } from '../db/schema';
import { maskSecrets } from '../security/redact';

/** A Main Log row of the `webhooks` source, in the caller's transaction (the change and its row commit together). */
export async function webhookLog(
  ctx: Ctx,
  q: Queryable,
  entry: { message: string; level?: 'info' | 'warning' | 'error'; context?: Record<string, unknown> },
): Promise<void> {
  await q.insert(logs).values({
    at: ctx.now(),
    source: 'webhooks',
    level: entry.level ?? 'info',
    message: entry.message,
    accountId: null,
    actor: ctx.actor.label,
    context: maskSecrets({ ...(entry.context ?? {}), via: ctx.actor.via }),
  });
}
