import { lt } from 'drizzle-orm';
import type { Ctx } from '../context';
import { logs } from '../db/schema';

/** Deletes Main Log rows older than `config.logRetentionDays`; run at start-up and daily. */
export async function pruneLogs(ctx: Ctx): Promise<{ deleted: number; before: string }> {
  const before = new Date(ctx.now().getTime() - ctx.config.logRetentionDays * 86_400_000);
  const deleted = await ctx.db.delete(logs).where(lt(logs.at, before)).returning({ id: logs.id });
  return { deleted: deleted.length, before: before.toISOString() };
}
