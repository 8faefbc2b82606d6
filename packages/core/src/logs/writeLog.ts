import type { Actor, LogInput, LogWriter } from '../context';
import type { Db } from '../db/client';
import { logs } from '../db/schema';
import { maskSecrets, redact } from '../security/redact';

/** Creates the Main Log writer; a failing log write never fails the operation that logged. */
export function createLogWriter(db: Db, actor: () => Actor): LogWriter {
  return async function writeLog(entry: LogInput) {
    try {
      await db.insert(logs).values({
        source: entry.source,
        level: entry.level,
        message: redact(entry.message),
        accountId: entry.accountId ?? null,
        actor: actor().label,
        context: maskSecrets(entry.context ?? {}),
      });
    } catch (err) {
      // The log table is not worth failing a send or a test for; surface it on stderr instead.
      console.error('mailroom: could not write log row:', (err as Error).message);
    }
  };
}
