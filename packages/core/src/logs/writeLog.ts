import type { Actor, LogInput, LogWriter } from '../context';
import type { Db } from '../db/client';
import { logs } from '../db/schema';
import { maskSecrets, redact } from '../security/redact';

function toRow(entry: LogInput, actor: Actor, secrets: Iterable<string>) {
  return {
    source: entry.source,
    level: entry.level,
    message: redact(entry.message, secrets),
    accountId: entry.accountId ?? null,
    actor: actor.label,
    context: maskSecrets(entry.context ?? {}),
  };
}

/** Creates the Main Log writer; a failing log write never fails the operation that logged. */
export function createLogWriter(db: Db, actor: () => Actor): LogWriter {
  return async function writeLog(entry: LogInput) {
    try {
      await db.insert(logs).values(toRow(entry, actor(), []));
    } catch (err) {
      // The log table is not worth failing a send or a test for; surface it on stderr instead.
      console.error('mailroom: could not write log row:', (err as Error).message);
    }
  };
}

/**
 * Appends many rows in one statement (a test's steps and its transcript), redacting `secrets` from every
 * message; like the single writer, a failure is reported on stderr and never fails the caller.
 */
export async function writeLogs(
  db: Db,
  actor: Actor,
  entries: LogInput[],
  secrets: Iterable<string> = [],
): Promise<void> {
  if (entries.length === 0) return;
  const known = [...secrets];
  try {
    await db.insert(logs).values(entries.map((e) => toRow(e, actor, known)));
  } catch (err) {
    console.error('mailroom: could not write log rows:', (err as Error).message);
  }
}
