import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { accountDefaults, accounts } from '../db/schema';
import { MailroomError, parseInput } from '../errors';
import { type AccountView, stageChangeSchema, stageTransitions } from '../schemas/account';
import { assertCanWrite } from './access';
import { loadAccount, viewOf } from './load';
import { assertNameFree } from './rules';
import { addTimelineEvent } from './timeline';

/**
 * Moves an account between stages: active <-> inactive, any -> deleted (soft), deleted -> inactive (restore).
 * Leaving `active` drops the account's defaults, since only active accounts may be defaults.
 */
export async function changeStage({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<AccountView> {
  const { stage, reason } = parseInput(stageChangeSchema, input);
  return ctx.db.transaction(async (tx) => {
    const row = await loadAccount(ctx, tx, id, true);
    assertCanWrite(ctx.actor, row.teamId);
    if (row.stage === stage || !stageTransitions[row.stage].includes(stage)) {
      const allowed = stageTransitions[row.stage].join(' or ');
      throw new MailroomError('invalid_transition', `A ${row.stage} account cannot move to ${stage}`, {
        errors: [{ path: 'stage', message: `from ${row.stage} the account can only move to ${allowed}` }],
        hint: row.stage === 'deleted' ? 'Restore a deleted account by moving it to inactive.' : undefined,
      });
    }
    if (row.stage === 'deleted') await assertNameFree(tx, row.name, row.id);

    const now = ctx.now();
    const [updated] = await tx
      .update(accounts)
      .set({ stage, stageReason: reason ?? null, updatedAt: now, updatedBy: ctx.actor.label })
      .where(eq(accounts.id, row.id))
      .returning();
    const verb =
      row.stage === 'deleted'
        ? 'Restored'
        : stage === 'deleted'
          ? 'Deleted'
          : stage === 'active'
            ? 'Activated'
            : 'Deactivated';
    await addTimelineEvent(ctx, tx, row.id, 'stage_changed', `${verb}${reason ? `: ${reason}` : ''}`, {
      from: row.stage,
      to: stage,
      reason: reason ?? null,
    });
    if (stage !== 'active') {
      const dropped = await tx
        .delete(accountDefaults)
        .where(eq(accountDefaults.accountId, row.id))
        .returning();
      for (const d of dropped) {
        await addTimelineEvent(
          ctx,
          tx,
          row.id,
          'default_cleared',
          `No longer the ${d.direction} default of ${d.scope === 'system' ? 'the system' : 'its team'} (account is ${stage})`,
          { scope: d.scope, direction: d.direction },
        );
      }
    }
    return viewOf(tx, updated!);
  });
}
