import { and, eq } from 'drizzle-orm';
import { assertCanWrite } from '../accounts/access';
import { loadAccount } from '../accounts/load';
import { assertTeamExists } from '../accounts/rules';
import { addTimelineEvent } from '../accounts/timeline';
import type { Ctx } from '../context';
import { accountDefaults, accounts } from '../db/schema';
import { forbidden, MailroomError, parseInput } from '../errors';
import { type DefaultEntry, defaultSetSchema } from '../schemas/defaults';
import { getDefaults } from './getDefaults';

/**
 * Sets (or with accountId null, clears) the default account of a scope and direction.
 * Only active accounts with that direction qualify; replacing another default needs `replace: true`.
 */
export async function setDefault({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<DefaultEntry[]> {
  const { teamId, direction, accountId, replace } = parseInput(defaultSetSchema, input);
  if (teamId === null && ctx.actor.role !== 'admin') throw forbidden('Only admins can set system defaults');
  assertCanWrite(ctx.actor, teamId);
  const scope = teamId ?? 'system';
  const scopeName = teamId === null ? 'the system' : 'this team';
  const aDefault = `${direction === 'outgoing' ? 'an outgoing' : 'an incoming'} default`;

  await ctx.db.transaction(async (tx) => {
    await assertTeamExists(tx, teamId);
    const [current] = await tx
      .select({ accountId: accountDefaults.accountId, name: accounts.name })
      .from(accountDefaults)
      .innerJoin(accounts, eq(accounts.id, accountDefaults.accountId))
      .where(and(eq(accountDefaults.scope, scope), eq(accountDefaults.direction, direction)))
      .for('update');

    if (accountId === null) {
      if (!current) return;
      await tx
        .delete(accountDefaults)
        .where(and(eq(accountDefaults.scope, scope), eq(accountDefaults.direction, direction)));
      await addTimelineEvent(
        ctx,
        tx,
        current.accountId,
        'default_cleared',
        `No longer the ${direction} default of ${scopeName}`,
        { scope, direction },
      );
      return;
    }

    // Locking the account serializes with stage changes: a default can never outlive `active`.
    const account = await loadAccount(ctx, tx, accountId, true);
    const problems: string[] = [];
    if (account.stage !== 'active')
      problems.push(`the account is ${account.stage}; only active accounts can be defaults`);
    if (!account[direction]) problems.push(`the account has no ${direction} settings`);
    if (teamId === null && account.teamId !== null)
      problems.push('a team account cannot be the system default');
    if (teamId !== null && account.teamId !== null && account.teamId !== teamId) {
      problems.push("another team's account cannot be this team's default");
    }
    if (problems.length > 0) {
      throw new MailroomError(
        'account_not_usable',
        `${account.name} cannot be the ${direction} default: ${problems[0]}`,
        {
          errors: problems.map((message) => ({ path: 'accountId', message })),
        },
      );
    }
    if (current?.accountId === account.id) return;
    if (current && !replace) {
      throw new MailroomError(
        'default_exists',
        `"${current.name}" is already the ${direction} default of ${scopeName}`,
        {
          errors: [
            {
              path: 'accountId',
              message: `${scopeName} already has ${aDefault} (${current.name})`,
            },
          ],
          hint: 'Send replace: true to make this account the default instead.',
          extra: { currentAccountId: current.accountId, currentAccountName: current.name },
        },
      );
    }
    const now = ctx.now();
    const entry = { scope, direction, accountId: account.id, updatedAt: now, updatedBy: ctx.actor.label };
    if (current) {
      await tx
        .update(accountDefaults)
        .set({ accountId: account.id, updatedAt: now, updatedBy: ctx.actor.label })
        .where(and(eq(accountDefaults.scope, scope), eq(accountDefaults.direction, direction)));
    } else if (replace) {
      await tx
        .insert(accountDefaults)
        .values(entry)
        .onConflictDoUpdate({ target: [accountDefaults.scope, accountDefaults.direction], set: entry });
    } else {
      // No row to lock yet: the primary key decides between two first-time setters, the loser gets 409.
      const inserted = await tx.insert(accountDefaults).values(entry).onConflictDoNothing().returning();
      if (inserted.length === 0) {
        const taken = `${scopeName.charAt(0).toUpperCase()}${scopeName.slice(1)} already has ${aDefault}`;
        throw new MailroomError('default_exists', taken, {
          errors: [{ path: 'accountId', message: `${scopeName} already has ${aDefault}` }],
          hint: 'Send replace: true to make this account the default instead.',
        });
      }
    }
    if (current) {
      await addTimelineEvent(
        ctx,
        tx,
        current.accountId,
        'default_cleared',
        `Replaced as ${direction} default of ${scopeName} by "${account.name}"`,
        { scope, direction },
      );
    }
    await addTimelineEvent(
      ctx,
      tx,
      account.id,
      'default_set',
      `Made the ${direction} default of ${scopeName}`,
      { scope, direction },
    );
  });
  return getDefaults({ ctx });
}
