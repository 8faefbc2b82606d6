import { and, desc, eq, gt } from 'drizzle-orm';
import { assertCanWrite } from '../accounts/access';
import { loadAccount } from '../accounts/load';
import { addTimelineEvent } from '../accounts/timeline';
import type { Ctx } from '../context';
import { accountEvents, accounts, verificationCodes } from '../db/schema';
import { MailroomError, parseInput } from '../errors';
import { type VerificationConfirmed, verificationConfirmSchema } from '../schemas/messages';
import { safeEqual } from '../security/hash';
import { emitEvent } from '../webhooks/emitEvent';
import { hashCode, MAX_ATTEMPTS } from './code';

/**
 * Checks the code typed back against the account's newest code. Wrong, expired, already used and
 * too many attempts are distinct errors; a wrong guess counts even though the request fails.
 * The right code marks the account verified (verifiedAt, timeline).
 */
export async function confirmVerification({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<VerificationConfirmed> {
  const { code } = parseInput(verificationConfirmSchema, input);
  const outcome = await ctx.db.transaction(async (tx) => {
    const account = await loadAccount(ctx, tx, id, true);
    assertCanWrite(ctx.actor, account.teamId);
    const now = ctx.now();
    const [latest] = await tx
      .select()
      .from(verificationCodes)
      .where(eq(verificationCodes.accountId, id))
      .orderBy(desc(verificationCodes.createdAt))
      .limit(1)
      .for('update');
    if (!latest) {
      return new MailroomError('code_invalid', 'No verification code was sent for this account', {
        hint: 'Send a code first.',
      });
    }
    if (latest.usedAt) {
      return new MailroomError('code_used', 'This code was already used', {
        hint: account.verifiedAt ? 'The account is verified already.' : 'Send a new code.',
      });
    }
    if (latest.attempts >= MAX_ATTEMPTS) {
      return new MailroomError(
        'code_attempts_exceeded',
        `Too many wrong codes (${MAX_ATTEMPTS}): this code no longer works`,
        {
          hint: 'Send a new code.',
        },
      );
    }
    if (latest.expiresAt.getTime() <= now.getTime()) {
      return new MailroomError('code_expired', 'The code has expired (codes are valid for 10 minutes)', {
        hint: 'Send a new code.',
      });
    }
    const reset = await tx
      .select({ id: accountEvents.id })
      .from(accountEvents)
      .where(
        and(
          eq(accountEvents.accountId, id),
          eq(accountEvents.type, 'verification_reset'),
          gt(accountEvents.at, latest.createdAt),
        ),
      )
      .limit(1);
    if (reset.length > 0) {
      return new MailroomError('code_expired', 'The connection settings changed after this code was sent', {
        hint: 'Send a new code through the new settings.',
      });
    }
    if (!safeEqual(hashCode(latest.id, code), latest.codeHash)) {
      const attempts = latest.attempts + 1;
      await tx.update(verificationCodes).set({ attempts }).where(eq(verificationCodes.id, latest.id));
      const left = MAX_ATTEMPTS - attempts;
      return left > 0
        ? new MailroomError(
            'code_invalid',
            `The code is wrong: ${left} attempt${left === 1 ? '' : 's'} left`,
            {
              errors: [{ path: 'code', message: 'does not match the code sent' }],
              extra: { attemptsLeft: left },
            },
          )
        : new MailroomError('code_attempts_exceeded', `The code is wrong, and that was the last attempt`, {
            hint: 'Send a new code.',
            extra: { attemptsLeft: 0 },
          });
    }
    await tx
      .update(verificationCodes)
      .set({ usedAt: now, attempts: latest.attempts + 1 })
      .where(eq(verificationCodes.id, latest.id));
    await tx.update(accounts).set({ verifiedAt: now, updatedAt: now }).where(eq(accounts.id, id));
    await addTimelineEvent(ctx, tx, id, 'verified', `Verified by the code sent to ${latest.sentTo}`, {
      sentTo: latest.sentTo,
    });
    await emitEvent(tx, {
      type: 'account.verified',
      teamId: account.teamId,
      at: now,
      data: { accountId: id, name: account.name, verifiedAt: now.toISOString(), by: ctx.actor.label },
    });
    return { accountId: id, verified: true as const, verifiedAt: now.toISOString() };
  });
  if (outcome instanceof MailroomError) {
    await ctx.log({ source: 'verification', level: 'warning', message: outcome.message, accountId: id });
    throw outcome;
  }
  await ctx.log({
    source: 'verification',
    level: 'info',
    message: 'Account verified by confirmation code',
    accountId: id,
  });
  return outcome;
}
