import { eq } from 'drizzle-orm';
import { assertReadable } from '../accounts/access';
import { loadAccount } from '../accounts/load';
import type { Ctx } from '../context';
import { oauthAuthorizations } from '../db/schema';
import { notFound } from '../errors';
import { endAuthorization } from './finishAuthorization';
import { authorizationOwner } from './owner';
import type { OAuthAuthorizationView } from './schemas';

type Row = typeof oauthAuthorizations.$inferSelect;

/** Where a connect stands (`pending` until the provider answered); never a secret. */
export async function getAuthorization({
  ctx,
  id,
}: {
  ctx: Ctx;
  id: string;
}): Promise<OAuthAuthorizationView> {
  let row = await loadAuthorization(ctx, id);
  if (row.status === 'pending' && ctx.now() >= row.expiresAt) {
    await endAuthorization(ctx, id, 'expired', 'The sign-in was not completed in time');
    row = await loadAuthorization(ctx, id);
  }
  return toView(row);
}

export async function loadAuthorization(ctx: Ctx, id: string): Promise<Row> {
  const [row] = await ctx.db.select().from(oauthAuthorizations).where(eq(oauthAuthorizations.id, id));
  if (!row) throw notFound('Authorization');
  if (row.accountId)
    assertReadable(ctx.actor, await loadAccount(ctx, ctx.db, row.accountId).catch(() => undefined));
  else if (ctx.actor.role !== 'admin' && row.createdBy !== authorizationOwner(ctx.actor))
    throw notFound('Authorization');
  return row;
}

export function toView(row: Row): OAuthAuthorizationView {
  return {
    id: row.id,
    flow: row.flow,
    status: row.status,
    accountId: row.accountId,
    provider: row.provider,
    clientId: row.clientId,
    identity: row.identity,
    error: row.error,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    usedAt: row.usedAt?.toISOString() ?? null,
  };
}
