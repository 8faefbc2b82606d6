import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { accountDefaults, accounts } from '../db/schema';
import type { AccountView, Direction } from '../schemas/account';
import { assertReadable } from './access';
import { toView } from './codec';
import type { AccountRow } from './types';

/** Loads an account the actor may read (404 otherwise); `forUpdate` locks the row in the caller's transaction. */
export async function loadAccount(
  ctx: Ctx,
  q: Queryable,
  id: string,
  forUpdate = false,
): Promise<AccountRow> {
  const query = q.select().from(accounts).where(eq(accounts.id, id));
  const rows = forUpdate ? await query.for('update') : await query;
  return assertReadable(ctx.actor, rows[0]);
}

export async function defaultsOf(
  q: Queryable,
  accountId: string,
): Promise<Array<{ teamId: string | null; direction: Direction }>> {
  const rows = await q.select().from(accountDefaults).where(eq(accountDefaults.accountId, accountId));
  return rows.map((r) => ({ teamId: r.scope === 'system' ? null : r.scope, direction: r.direction }));
}

export async function viewOf(q: Queryable, row: AccountRow): Promise<AccountView> {
  return toView(row, await defaultsOf(q, row.id));
}
