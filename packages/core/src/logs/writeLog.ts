import type { Actor, LogInput, LogWriter } from '../context';
import type { Db } from '../db/client';
import { logs } from '../db/schema';
import { maskSecrets, redact, redactDeep, SecretSet } from '../security/redact';

function toRow(entry: LogInput, actor: Actor, secrets: SecretSet) {
  const context = entry.context ?? {};
  return {
    source: entry.source,
    level: entry.level,
    message: redact(entry.message, secrets),
    accountId: entry.accountId ?? null,
    actor: actor.label,
    // Key names catch `password: …`; known values and credential shapes (an echoed AUTH line, a Basic
    // header) catch a secret a server echoed under any key, even when the writer knows no secret.
    context: maskSecrets(redactDeep(context, secrets)),
  };
}

/**
 * Creates the Main Log writer; a failing log write never fails the operation that logged. `secrets`, when
 * given, are masked by value in every message and context.
 */
export function createLogWriter(db: Db, actor: () => Actor, secrets: Iterable<string> = []): LogWriter {
  const known = secrets instanceof SecretSet ? secrets : new SecretSet(secrets);
  return async function writeLog(entry: LogInput) {
    try {
      await db.insert(logs).values(toRow(entry, actor(), known));
    } catch (err) {
      // The log table is not worth failing a send or a test for; surface it on stderr instead.
      console.error('mailroom: could not write log row:', (err as Error).message);
    }
  };
}

/**
 * Appends many rows in one statement (a test's steps and its transcript), redacting `secrets` by value from
 * every message and context; like the single writer, a failure is reported on stderr and never fails the caller.
 */
export async function writeLogs(
  db: Db,
  actor: Actor,
  entries: LogInput[],
  secrets: Iterable<string> = [],
): Promise<void> {
  if (entries.length === 0) return;
  const known = secrets instanceof SecretSet ? secrets : new SecretSet(secrets);
  try {
    await db.insert(logs).values(entries.map((e) => toRow(e, actor, known)));
  } catch (err) {
    console.error('mailroom: could not write log rows:', (err as Error).message);
  }
}
