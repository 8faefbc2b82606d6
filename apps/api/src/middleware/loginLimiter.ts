import { getConnInfo } from '@hono/node-server/conninfo';
import { checkLogin, createContext, MailroomError, releaseLoginAttempt, systemActor } from '@mailroom/core';
import type { Context, MiddlewareHandler } from 'hono';

type Options = {
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy?: boolean;
  /** Waits before a slowed answer; tests pass one that records the delay instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
};

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Throttles password guessing by client address and by account, with counters in the database so every
 * API process sees the same ones (core `auth/throttle`). An address that keeps failing is slowed, then
 * refused (429 with Retry-After); an account is only ever slowed, so an attacker cannot lock its owner out.
 */
export function loginLimiter({ trustProxy = false, sleep = wait }: Options = {}): MiddlewareHandler {
  return async function limitLogins(c, next) {
    const ctx = createContext(c.get('deps').base, { ...systemActor, label: 'sign-in' });
    const attempt = { address: clientAddress(c, trustProxy), email: await emailOf(c) };
    const verdict = await checkLogin({ ctx, input: attempt });
    if (!verdict.allowed) {
      const minutes = Math.ceil(verdict.retryAfterSec / 60);
      c.header('Retry-After', String(verdict.retryAfterSec));
      throw new MailroomError(
        'rate_limited',
        `Too many failed sign-in attempts from your network; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        { extra: { retryAfterSec: verdict.retryAfterSec } },
      );
    }
    if (verdict.delayMs > 0) await sleep(verdict.delayMs);
    await next();
    // checkLogin counted the attempt as a failure; only a wrong password (401) keeps it counted.
    if (c.res.status !== 401) {
      await releaseLoginAttempt({ ctx, input: { ...attempt, signedIn: c.res.status === 200 } });
    }
  };
}

/**
 * The client's address. Behind a trusted proxy it is the last X-Forwarded-For entry, the one the proxy
 * appended: entries before it are whatever the client wrote and would let it pick a fresh address per guess.
 */
function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 200);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return 'local';
  }
}

async function emailOf(c: Context): Promise<string | null> {
  try {
    const body = (await c.req.raw.clone().json()) as { email?: unknown };
    return typeof body.email === 'string' ? body.email.trim().toLowerCase().slice(0, 320) : null;
  } catch {
    return null;
  }
}
