import type { Ctx } from '../context';
import type { AccountView } from '../schemas/account';
import { withoutForeignSends } from './foreignTraffic';
import { loadAccount, viewOf } from './load';

/** Reads one account (any stage) as the API shows it. */
export async function getAccount({ ctx, id }: { ctx: Ctx; id: string }): Promise<AccountView> {
  const row = await loadAccount(ctx, ctx.db, id);
  const [view] = await withoutForeignSends(ctx, [await viewOf(ctx.db, row, ctx.now())]);
  return view!;
}
