import { assertCanWrite } from '../accounts/access';
import { resolvePart, secretValues } from '../accounts/codec';
import { loadAccount } from '../accounts/load';
import type { Ctx } from '../context';
import { MailroomError, parseInput } from '../errors';
import { writeLogs } from '../logs/writeLog';
import { retryWithFreshToken } from '../oauth/retryWithFreshToken';
import { accountTestInputSchema, type ConnectionTestResult } from '../schemas/connection';
import { runConnectionTest } from './engine';
import { testLogRows } from './logRows';
import { recordTest } from './recordTest';
import { deliverabilityOptions } from './steps/deliverability';

/**
 * Tests a saved account's outgoing or incoming connection step by step, then records the outcome: health,
 * last-test summary, a `tested` timeline event, and Main Log rows (with the redacted transcript when the
 * account's `debug` is on). A server's failure is a result with `ok: false`, not an error.
 */
export async function testAccount({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<ConnectionTestResult> {
  const { direction, deliverability } = parseInput(accountTestInputSchema, input);
  const row = await loadAccount(ctx, ctx.db, id);
  assertCanWrite(ctx.actor, row.teamId);
  const part = resolvePart(ctx.secrets, row, direction);
  if (!part) {
    throw new MailroomError('validation_failed', `direction: this account has no ${direction} settings`, {
      errors: [{ path: 'direction', message: `this account has no ${direction} settings` }],
    });
  }
  const secrets = secretValues(ctx.secrets, row);
  const {
    result,
    transcript,
    secrets: known,
  } = await retryWithFreshToken(
    ctx,
    row.id,
    direction,
    (accessToken) =>
      runConnectionTest(direction, part, {
        config: ctx.config,
        secrets,
        accessToken,
        deliverability: deliverability ? deliverabilityOptions(ctx.config) : undefined,
      }),
    // The server refused the OAuth2 token: once more with a freshly refreshed one.
    ({ result }) => result?.result.ok === false && result.result.error?.code === 'auth',
  );
  await recordTest(ctx, row.id, direction, result);
  await writeLogs(
    ctx.db,
    ctx.actor,
    testLogRows({
      direction,
      part,
      result,
      transcript,
      accountId: row.id,
      accountName: row.name,
      debug: row.debug,
    }),
    known,
  );
  return result;
}
