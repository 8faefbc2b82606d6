import { and, eq, gt, isNull } from 'drizzle-orm';
import { assertCanWrite } from '../accounts/access';
import { loadAccount } from '../accounts/load';
import { addTimelineEvent } from '../accounts/timeline';
import type { Ctx } from '../context';
import { messages, verificationCodes } from '../db/schema';
import { MailroomError, parseInput } from '../errors';
import { newId } from '../ids';
import { deliverMessage } from '../outbox/deliverMessage';
import { withPolicy } from '../outbox/policy';
import { recordOutcomes } from '../outbox/recordOutcomes';
import { deliveryFailed } from '../outbox/sendMessage';
import { newMessageRow } from '../outbox/store';
import { toMessageView } from '../outbox/view';
import { type VerificationStarted, verificationStartSchema } from '../schemas/messages';
import { CODE_TTL_MS, hashCode, newCode, verificationMail } from './code';
import { codeState, nextCodeAt } from './state';

const MASK = '••••••';

/**
 * Sends a 6-digit code through the account to the address the admin names. The code is stored only
 * hashed (the journal keeps the mail with the code masked, and nothing recorded about the send shows it),
 * replaces any earlier code, and is delivered at once: a failure comes back as `delivery_failed` with the
 * server's reply and no code is left valid.
 */
export async function startVerification({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<VerificationStarted> {
  const { to } = parseInput(verificationStartSchema, input);
  const now = ctx.now();
  const code = newCode();
  const { account, row, codeId, earlier } = await ctx.db.transaction(async (tx) => {
    const account = await loadAccount(ctx, tx, id, true);
    assertCanWrite(ctx.actor, account.teamId);
    if (!account.outgoing || account.stage === 'deleted') {
      throw new MailroomError(
        'account_not_usable',
        'Only an account with outgoing settings that is not deleted can be verified',
        {
          errors: [{ path: 'outgoing', message: 'is required to send the verification mail' }],
        },
      );
    }
    const { pending, resendAfter, earlier } = await codeState(tx, id, now);
    if (resendAfter) {
      const seconds = Math.ceil((resendAfter.getTime() - now.getTime()) / 1000);
      throw new MailroomError(
        'rate_limited',
        `A code was sent recently: request another in ${seconds} seconds`,
        {
          hint: pending
            ? `Type in the code sent to ${pending.to} (check its spam folder too); it works until ${pending.expiresAt}.`
            : 'Check the mailbox (and its spam folder) for the last code first.',
          // The code still waiting, so a client can offer to type it in rather than a dead end.
          extra: { retryAfterSeconds: seconds, pending },
        },
      );
    }
    // Only the newest code counts: earlier ones stop working.
    await tx
      .update(verificationCodes)
      .set({ expiresAt: now })
      .where(
        and(
          eq(verificationCodes.accountId, id),
          isNull(verificationCodes.usedAt),
          gt(verificationCodes.expiresAt, now),
        ),
      );
    const codeId = newId();
    await tx.insert(verificationCodes).values({
      id: codeId,
      accountId: id,
      sentTo: to,
      codeHash: hashCode(codeId, code),
      createdAt: now,
      expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      createdBy: ctx.actor.label,
    });
    const mail = verificationMail(account.name, MASK);
    const own = account.outgoing.from;
    const row = newMessageRow(
      ctx,
      { account, reason: 'account_id', explanation: `verification of "${account.name}"` },
      {
        from: { address: own.address, name: own.name ?? null },
        to: [to],
        cc: [],
        bcc: [],
        subject: mail.subject,
        text: mail.text,
        headers: { 'X-Mailroom-Verification': account.id },
        attachments: [],
        mode: 'immediate',
      },
      { internal: true },
    );
    await tx.insert(messages).values(row);
    return { account, row, codeId, earlier };
  });

  const [stored] = await ctx.db.select().from(messages).where(eq(messages.id, row.id!));
  const real = verificationMail(account.name, code);
  const attempt = await deliverMessage({
    ctx,
    message: { ...stored!, subject: real.subject },
    account,
    worker: row.leaseOwner!,
    override: { text: real.text },
    // The code is in the subject and the body: masked from the reply, the error and the debug transcript.
    oneTime: [code],
  });
  attempt.noRetry = true;
  attempt.message = stored!;
  await recordOutcomes({ ctx, attempts: [attempt], policy: withPolicy(undefined) });
  const [after] = await ctx.db.select().from(messages).where(eq(messages.id, row.id!));
  const view = toMessageView(after!);
  if (view.status !== 'sent') {
    await ctx.db
      .update(verificationCodes)
      .set({ expiresAt: ctx.now() })
      .where(eq(verificationCodes.id, codeId));
    await ctx.log({
      source: 'verification',
      level: 'error',
      message: `Verification mail to ${to} was not delivered: ${view.lastError?.message ?? 'unknown error'}`,
      accountId: id,
      context: { messageId: view.id, error: view.lastError },
    });
    throw deliveryFailed(view);
  }
  await addTimelineEvent(ctx, ctx.db, id, 'verification_sent', `Verification code sent to ${to}`, {
    to,
    messageId: view.id,
  });
  await ctx.log({
    source: 'verification',
    level: 'info',
    message: `Verification code sent to ${to}`,
    accountId: id,
  });
  return {
    accountId: id,
    sentTo: to,
    expiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
    // 30 seconds on, or later when this was the hour's fifth code.
    resendAfter: new Date(nextCodeAt([now, ...earlier], now)).toISOString(),
    messageId: view.id,
    reply: after?.recipients[0]?.reply ?? null,
  };
}
