import { assertCanWrite, canWrite } from '../accounts/access';
import {
  attachIncoming,
  attachOutgoing,
  completeIncoming,
  completeOutgoing,
  resolvePart,
  secretStaysHere,
  secretsUsed,
  secretValues,
  splitIncoming,
  splitOutgoing,
} from '../accounts/codec';
import { loadAccount } from '../accounts/load';
import type { AccountRow } from '../accounts/types';
import type { Actor, Ctx } from '../context';
import { type FieldError, forbidden, MailroomError, parseInput } from '../errors';
import { writeLogs } from '../logs/writeLog';
import { authorizationAccessToken } from '../oauth/authorizationToken';
import type { Direction, IncomingStored, OutgoingStored, SecretValue } from '../schemas/account';
import { type ConnectionTestResult, connectionTestInputSchema } from '../schemas/connection';
import { type ResolvedPart, runConnectionTest } from './engine';
import { testLogRows } from './logRows';
import { rememberPresaveTest } from './presaveTests';
import { secretExposure } from './secretExposure';
import { deliverabilityOptions } from './steps/deliverability';

type Split = { stored: OutgoingStored | IncomingStored; secrets: Partial<Record<string, SecretValue>> };

/** A part split into what would be stored and its secrets, by its direction's codec. */
function split(part: ResolvedPart): Split {
  return 'transport' in part ? splitOutgoing(part) : splitIncoming(part);
}

/** The stored half of a split put back together with `secrets`. */
function attach(stored: Split['stored'], secret: (field: string) => SecretValue): ResolvedPart {
  return 'transport' in stored ? attachOutgoing(stored, secret) : attachIncoming(stored, secret);
}

/**
 * Fills secrets the form left blank from the stored account, but only where PATCH would keep them without
 * asking (`secretExposure`): a stored secret never goes to another server (host, port, Mailgun base URL,
 * OAuth2 token URL …), over plain text, or to an unverified certificate unless the person types it again.
 * Returns the settings to test, the secrets they carry, and the fields still missing.
 */
function fillStoredSecrets(
  ctx: Ctx,
  direction: Direction,
  part: ResolvedPart,
  row: AccountRow | null,
): { part: ResolvedPart; secrets: string[]; missing: FieldError[] } {
  const given = split(part);
  const storedPart = row ? resolvePart(ctx.secrets, row, direction) : null;
  const stored = storedPart ? split(storedPart).secrets : {};
  const exposure = storedPart ? secretExposure(storedPart, part) : null;
  const values: Record<string, string> = {};
  const missing: FieldError[] = [];
  for (const need of secretsUsed(given.stored)) {
    const typed = given.secrets[need.field];
    if (typeof typed === 'string' && typed.length > 0) {
      values[need.field] = typed;
      continue;
    }
    // null is the form's "clear": an explicit no, so the stored secret is not used either.
    const storedValue = typed !== null ? stored[need.field] : undefined;
    const path = `${direction}.${need.field}`;
    if (typeof storedValue === 'string' && (exposure === null || secretStaysHere(need.field))) {
      values[need.field] = storedValue;
    } else if (typeof storedValue === 'string') {
      // Same words as PATCH: the rule is the same, so is its explanation.
      missing.push({ path, message: `re-enter the secret: ${exposure}` });
    } else if (need.required && !secretStaysHere(need.field)) {
      // Required ones only, the DKIM key aside: it signs messages, and a connection test sends none.
      missing.push({ path, message: 'is required to test this connection' });
    }
  }
  return { part: attach(given.stored, (field) => values[field]), secrets: Object.values(values), missing };
}

/**
 * Unsaved settings make the server connect wherever the caller says, so only someone who could save them
 * as an account (an admin, or a team admin of some team) and then test it may test them.
 */
function assertMayTestUnsaved(actor: Actor): void {
  if (canWrite(actor, null) || actor.teamIds.some((teamId) => canWrite(actor, teamId))) return;
  throw forbidden(
    actor.role === 'viewer'
      ? 'Viewers cannot test connection settings'
      : 'Only admins, and team admins of a team, can test connection settings',
  );
}

/**
 * The form's Test button: tests unsaved settings (needs the right to edit accounts). With `accountId`, blank
 * secrets reuse the stored ones on the terms PATCH keeps them (else `secret_required`). Writes Main Log rows;
 * changes no account. Without `accountId` the result is remembered for a while (presaveTests.ts), so creating
 * the account with exactly these settings counts it.
 */
export async function testConnection({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<ConnectionTestResult> {
  const parsed = parseInput(connectionTestInputSchema, input);
  const { direction } = parsed;
  const given = parsed[direction];
  if (!given) {
    throw new MailroomError(
      'validation_failed',
      `${direction} is required to test the ${direction} connection`,
      {
        errors: [{ path: direction, message: `is required to test the ${direction} connection` }],
      },
    );
  }
  let row: AccountRow | null = null;
  if (parsed.accountId) {
    row = await loadAccount(ctx, ctx.db, parsed.accountId);
    assertCanWrite(ctx.actor, row.teamId);
  } else {
    assertMayTestUnsaved(ctx.actor);
  }
  const completed = 'transport' in given ? completeOutgoing(given) : completeIncoming(given);
  const filled = fillStoredSecrets(ctx, direction, completed, row);
  const { part: resolved, secrets: typed } = filled;
  // A finished sign-in brings the token an OAuth2 part signs in with: no refresh token needed then.
  const missing = parsed.oauthAuthorizationId
    ? filled.missing.filter((m) => m.path !== `${direction}.auth.refreshToken`)
    : filled.missing;
  if (missing.length) {
    // "Again" only where a secret is stored and held back; a form before its first Save never had one.
    const heldBack = missing.some((m) => m.message.startsWith('re-enter the secret'));
    throw new MailroomError('secret_required', `${missing[0]!.path} ${missing[0]!.message}`, {
      errors: missing,
      hint: heldBack
        ? 'Type the secret again to test these settings: a stored one only goes to the server, and over the protection, it was saved for.'
        : 'Type the secret to test these settings.',
    });
  }
  const secrets = [...(row ? secretValues(ctx.secrets, row) : []), ...typed];
  // Signed in, not saved yet: the part without a refresh token takes its access token from the sign-in.
  const auth = (resolved as { auth?: { method: string; refreshToken?: string | null } }).auth;
  const accessToken =
    parsed.oauthAuthorizationId && auth?.method === 'oauth2' && !auth.refreshToken
      ? await authorizationAccessToken(ctx, parsed.oauthAuthorizationId)
      : undefined;
  const {
    result,
    transcript,
    secrets: known,
  } = await runConnectionTest(direction, resolved, {
    config: ctx.config,
    secrets,
    ...(accessToken ? { accessToken } : {}),
    deliverability: parsed.deliverability ? deliverabilityOptions(ctx.config) : undefined,
  });
  await writeLogs(
    ctx.db,
    ctx.actor,
    testLogRows({
      direction,
      part: resolved,
      result,
      transcript,
      accountId: row?.id ?? null,
      accountName: row ? `${row.name} (unsaved settings)` : null,
      debug: row?.debug ?? false,
    }),
    known,
  );
  // Before the first Save: the account created with exactly these settings starts from this result.
  if (!row) await rememberPresaveTest(ctx, direction, resolved, result);
  return result;
}
