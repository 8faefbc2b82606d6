import type { Ctx } from '../context';
import { errorCodes, parseInput } from '../errors';
import { emailAddress } from '../schemas/common';
import { type RoutingExplain, routingExplainQuerySchema } from '../schemas/defaults';
import { planRoute } from './planRoute';

/**
 * Says which account a message from `from` (for `teamId`, or through `accountId`) would go through and
 * why, what Send-as makes of its From, and whether the send would be refused: the very plan the send
 * follows (planRoute), so the explanation and the send never disagree. Without `from`, the caller's own
 * sending address (their profile) is explained, as their send would use it.
 */
export async function explainRoute({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RoutingExplain> {
  const q = parseInput(routingExplainQuerySchema, input);
  // Checked as a send checks its From, so a From a send would refuse as malformed is refused here alike.
  const from = q.from?.trim() ? parseInput(emailAddress, q.from, ['from']) : undefined;
  const plan = await planRoute(ctx, {
    accountId: q.accountId,
    teamId: q.teamId,
    from: from ? { address: from } : undefined,
  });
  const { account: _account, refusal, ...explain } = plan;
  return {
    ...explain,
    sendable: refusal === null,
    refusal: refusal
      ? {
          code: refusal.code,
          status: errorCodes[refusal.code],
          message: refusal.message,
          ...(refusal.hint ? { hint: refusal.hint } : {}),
          ...(refusal.errors ? { errors: refusal.errors } : {}),
        }
      : null,
  };
}
