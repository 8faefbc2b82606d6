import { ConnectionFailure } from '../failure';
import { defaultHints } from '../hints';
import type { ReadOptions } from '../lineSocket';

/**
 * Reads a greeting within `totalMs` (of which `remainingMs` are left): silence and a closed connection both
 * fail as `greeting`, the class that says "something listens there, but not the mail server you meant"; a
 * greeting past lineSocket's bounds stays the `protocol` failure that says so.
 */
export async function readGreeting<T>(
  totalMs: number,
  read: (opts: ReadOptions) => Promise<T>,
  remainingMs = totalMs,
): Promise<T> {
  try {
    return await read({
      what: 'greeting',
      timeoutMs: Math.max(1, remainingMs),
      onTimeout: () =>
        new ConnectionFailure({
          code: 'greeting',
          message: `The server accepted the connection but sent no greeting within ${totalMs} ms`,
          hint: defaultHints.greeting,
        }),
    });
  } catch (err) {
    // A server that floods instead of greeting (a bound of lineSocket was hit) is told as it is.
    if (err instanceof ConnectionFailure && err.code === 'protocol' && err.detail?.limit === undefined) {
      throw new ConnectionFailure({
        ...err.info,
        code: 'greeting',
        message: 'The server closed the connection without a greeting',
        hint: defaultHints.greeting,
      });
    }
    throw err;
  }
}
