import { getConnInfo } from '@hono/node-server/conninfo';
import { MailroomError } from '@mailroom/core';
import type { Context, MiddlewareHandler } from 'hono';

type Options = {
  /** Failed attempts allowed per client address, and per email, in one window. */
  max?: number;
  windowMs?: number;
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy?: boolean;
};

type Bucket = { count: number; resetAt: number };

/**
 * Slows password guessing: at most `max` failed sign-ins per client address and per email per window.
 * An attempt is counted before the password is checked, so parallel guesses cannot slip past the limit,
 * and given back when the sign-in succeeds.
 */
export function loginLimiter({
  max = 10,
  windowMs = 5 * 60_000,
  trustProxy = false,
}: Options = {}): MiddlewareHandler {
  const buckets = new Map<string, Bucket>();
  const take = (key: string, now: number): Bucket => {
    let b = buckets.get(key);
    if (!b || b.resetAt <= now) {
      b = { count: 0, resetAt: now + windowMs };
      buckets.set(key, b);
    }
    b.count += 1;
    return b;
  };
  return async function limitLogins(c, next) {
    const now = Date.now();
    if (buckets.size > 10_000) for (const [k, v] of buckets) if (v.resetAt <= now) buckets.delete(k);
    const email = await emailOf(c);
    const keys = [`ip:${clientAddress(c, trustProxy)}`, ...(email ? [`email:${email}`] : [])];
    const taken = keys.map((k) => take(k, now));
    const over = taken.find((b) => b.count > max);
    if (over) {
      throw new MailroomError('rate_limited', 'Too many sign-in attempts; wait a few minutes', {
        extra: { retryAfterSec: Math.ceil((over.resetAt - now) / 1000) },
      });
    }
    await next();
    if (c.res.status === 200) for (const b of taken) b.count = Math.max(0, b.count - 1);
  };
}

function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
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
