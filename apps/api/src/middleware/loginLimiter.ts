import { MailroomError } from '@mailroom/core';
import type { MiddlewareHandler } from 'hono';

type Options = { max?: number; windowMs?: number };

/** Slows password guessing: at most `max` login attempts per client address per window. */
export function loginLimiter({ max = 10, windowMs = 5 * 60_000 }: Options = {}): MiddlewareHandler {
  const hits = new Map<string, { count: number; resetAt: number }>();
  return async function limitLogins(c, next) {
    const now = Date.now();
    const key =
      c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ||
      (c.env as { incoming?: { socket?: { remoteAddress?: string } } })?.incoming?.socket?.remoteAddress ||
      'local';
    if (hits.size > 10_000) for (const [k, v] of hits) if (v.resetAt < now) hits.delete(k);
    const entry = hits.get(key);
    if (entry && entry.resetAt > now && entry.count >= max) {
      throw new MailroomError('rate_limited', 'Too many sign-in attempts; wait a few minutes', {
        extra: { retryAfterSec: Math.ceil((entry.resetAt - now) / 1000) },
      });
    }
    await next();
    if (c.res.status === 401) {
      if (!entry || entry.resetAt <= now) hits.set(key, { count: 1, resetAt: now + windowMs });
      else entry.count += 1;
    }
  };
}
