import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { accountDefaults, accounts } from '../db/schema';
import { loadTraffic } from '../health/traffic';
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

/** The API's view of one account: its settings, defaults, and real traffic (last send and fetch). */
export async function viewOf(q: Queryable, row: AccountRow, now: Date = new Date()): Promise<AccountView> {
  // One after the other: `q` may be a transaction, whose connection runs one statement at a time.
  const defaults = await defaultsOf(q, row.id);
  const traffic = await loadTraffic(q, [row], now);
  return toView(row, defaults, traffic.get(row.id));
}
