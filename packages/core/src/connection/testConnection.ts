import { assertCanWrite, canWrite } from '../accounts/access';
import { getPath, resolvePart, secretValues, withDefaultPort } from '../accounts/codec';
import { loadAccount } from '../accounts/load';
import type { AccountRow } from '../accounts/types';
import type { Actor, Ctx } from '../context';
import { type FieldError, forbidden, MailroomError, parseInput } from '../errors';
import { writeLogs } from '../logs/writeLog';
import type { Direction } from '../schemas/account';
import { type ConnectionTestResult, connectionTestInputSchema } from '../schemas/connection';
import { type ResolvedPart, runConnectionTest } from './engine';
import { testLogRows } from './logRows';
import { secretExposure } from './secretExposure';

type Part = Record<string, unknown>;

/** The secrets a part connects with; `required` ones must be there for the test to run at all. */
function secretsNeeded(part: Part): Array<{ field: string; required: boolean }> {
  if (part.transport === 'sendmail') return [];
  if (part.transport === 'mailgun') return [{ field: 'apiKey', required: true }];
  const method = getPath(part, 'auth.method');
  if (method === 'password') return [{ field: 'auth.password', required: true }];
  if (method === 'oauth2') {
    return [
      { field: 'auth.refreshToken', required: true },
      { field: 'auth.clientSecret', required: false },
    ];
  }
  return [];
}

/** Sets a secret field of a part: `apiKey` at the top, `auth.*` inside the auth object the form sent. */
function setSecret(part: Part, field: string, value: string): void {
  if (field.startsWith('auth.')) (part.auth as Part)[field.slice(5)] = value;
  else part[field] = value;
}

/**
 * Fills secrets the form left blank from the stored account, but only where PATCH would keep them without
 * asking (`secretExposure`): a stored secret never goes to another server (host, port, Mailgun base URL,
 * OAuth2 token URL), over plain text, or to an unverified certificate unless the person types it again.
 */
function fillStoredSecrets(ctx: Ctx, direction: Direction, part: Part, row: AccountRow | null): FieldError[] {
  const stored = row ? (resolvePart(ctx.secrets, row, direction) as Part | null) : null;
  const exposure = stored ? secretExposure(stored, part) : null;
  const missing: FieldError[] = [];
  for (const need of secretsNeeded(part)) {
    const given = getPath(part, need.field);
    if (typeof given === 'string' && given.length > 0) continue;
    // null is the form's "clear": an explicit no, so the stored secret is not used either.
    const storedValue = stored && given !== null ? getPath(stored, need.field) : undefined;
    const path = `${direction}.${need.field}`;
    if (typeof storedValue === 'string' && exposure === null) {
      setSecret(part, need.field, storedValue);
    } else if (typeof storedValue === 'string') {
      // Same words as PATCH: the rule is the same, so is its explanation.
      missing.push({ path, message: `re-enter the secret: ${exposure}` });
    } else if (need.required) {
      missing.push({ path, message: 'is required to test this connection' });
    }
  }
  return missing;
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
 * changes no account.
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
  const part = structuredClone(withDefaultPort(given)) as Part;
  const missing = fillStoredSecrets(ctx, direction, part, row);
  if (missing.length) {
    throw new MailroomError('secret_required', `${missing[0]!.path} ${missing[0]!.message}`, {
      errors: missing,
      hint: 'Type the secret again to test these settings: a stored one only goes to the server, and over the protection, it was saved for.',
    });
  }
  const resolved = part as ResolvedPart;
  const secrets = [
    ...(row ? secretValues(ctx.secrets, row) : []),
    ...secretsNeeded(part)
      .map((n) => getPath(part, n.field))
      .filter((s): s is string => typeof s === 'string'),
  ];
  const {
    result,
    transcript,
    secrets: known,
  } = await runConnectionTest(direction, resolved, {
    config: ctx.config,
    secrets,
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
  return result;
}
