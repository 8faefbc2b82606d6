import { assertCanWrite } from '../accounts/access';
import { getPath, resolvePart, secretValues, withDefaultPort } from '../accounts/codec';
import { loadAccount } from '../accounts/load';
import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import { type FieldError, MailroomError, parseInput } from '../errors';
import { writeLogs } from '../logs/writeLog';
import type { Direction } from '../schemas/account';
import { type ConnectionTestResult, connectionTestInputSchema } from '../schemas/connection';
import { type ResolvedPart, runConnectionTest } from './engine';
import { testLogRows } from './logRows';

type Part = Record<string, unknown>;

/** The secrets a part needs to connect, and the settings that must stay the same for a stored one to be reused. */
function secretsNeeded(part: Part): Array<{ field: string; required: boolean; pinnedBy: string[] }> {
  if (part.transport === 'sendmail') return [];
  if (part.transport === 'mailgun')
    return [{ field: 'apiKey', required: true, pinnedBy: ['baseUrl', 'domain'] }];
  const method = getPath(part, 'auth.method');
  if (method === 'password') return [{ field: 'auth.password', required: true, pinnedBy: ['host', 'port'] }];
  if (method === 'oauth2') {
    return [
      { field: 'auth.refreshToken', required: true, pinnedBy: ['host', 'port', 'auth.tokenUrl'] },
      { field: 'auth.clientSecret', required: false, pinnedBy: ['host', 'port', 'auth.tokenUrl'] },
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
 * Fills secrets the form left blank from the stored account, but only while the settings that pin them
 * (host and port, Mailgun base URL and domain, OAuth2 token URL) are unchanged: a stored password is never
 * sent to a server it was not saved for.
 */
function fillStoredSecrets(ctx: Ctx, direction: Direction, part: Part, row: AccountRow | null): FieldError[] {
  const stored = row ? (resolvePart(ctx.secrets, row, direction) as Part | null) : null;
  const missing: FieldError[] = [];
  for (const need of secretsNeeded(part)) {
    const given = getPath(part, need.field);
    if (typeof given === 'string' && given.length > 0) continue;
    // null is the form's "clear": an explicit no, so the stored secret is not used either.
    const storedValue = stored && given !== null ? getPath(stored, need.field) : undefined;
    const samePlace = stored !== null && need.pinnedBy.every((p) => getPath(stored, p) === getPath(part, p));
    if (typeof storedValue === 'string' && samePlace) {
      setSecret(part, need.field, storedValue);
    } else if (need.required) {
      missing.push({
        path: `${direction}.${need.field}`,
        message:
          storedValue !== undefined && !samePlace
            ? `is required again because ${need.pinnedBy.join('/')} changed`
            : 'is required to test this connection',
      });
    }
  }
  return missing;
}

/**
 * The form's Test button: tests unsaved settings. With `accountId`, blank secrets reuse the stored ones if
 * host and port are unchanged (else `secret_required`). Writes Main Log rows; changes no account.
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
  }
  const part = structuredClone(withDefaultPort(given)) as Part;
  const missing = fillStoredSecrets(ctx, direction, part, row);
  if (missing.length) {
    throw new MailroomError('secret_required', `${missing[0]!.path} ${missing[0]!.message}`, {
      errors: missing,
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
