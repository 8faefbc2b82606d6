import { loadAccount } from '../accounts/load';
import type { Ctx } from '../context';
import type { VerificationState } from '../schemas/verification';
import { codeState } from './state';

/** Reads an account's verification: the code waiting to be typed back (never the code itself), verifiedAt, next send. */
export async function getVerification({ ctx, id }: { ctx: Ctx; id: string }): Promise<VerificationState> {
  const account = await loadAccount(ctx, ctx.db, id);
  // Only the outgoing part is verified: an incoming-only account has nothing pending and nothing to send.
  const { pending, resendAfter } = account.outgoing
    ? await codeState(ctx.db, id, ctx.now())
    : { pending: null, resendAfter: null };
  return {
    accountId: id,
    pending,
    verifiedAt: account.outgoing && account.verifiedAt ? account.verifiedAt.toISOString() : null,
    resendAfter: resendAfter ? resendAfter.toISOString() : null,
  };
}
