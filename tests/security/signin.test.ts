import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTarget, type Target } from './support/target';

// Documentation addresses (RFC 5737): the product trusts X-Forwarded-For here, as behind a proxy.
const ATTACKER = '203.0.113.7';
const ADMIN_DESK = '198.51.100.20';
const COLLEAGUE = '198.51.100.30';

describe('sign-in throttling: an attacker cannot lock an admin out', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget({ MAILROOM_TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await target?.close();
  });

  const signIn = async (password: string, forwardedFor: string, email = ADMIN.email) => {
    const res = await fetch(`${target.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ email, password }),
    });
    const text = await res.text();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: JSON.parse(text) };
  };

  it('refuses the guessing address, and still signs the admin in from another address', async () => {
    // The attack: a burst of wrong passwords for the admin from one address (sent at once, as a
    // guessing tool would, so the answers' delays overlap).
    const burst = await Promise.all(Array.from({ length: 12 }, () => signIn('not the password', ATTACKER)));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);

    // The admin, from an address that never failed: signed in (slowed, not refused). A colleague's
    // typo from a third address is a plain 401, not a lockout.
    const [admin, typo] = await Promise.all([
      signIn(ADMIN.password, ADMIN_DESK),
      signIn('correct horse battery stapler', COLLEAGUE),
    ]);
    expect(admin.status).toBe(200);
    expect(admin.body.user.email).toBe(ADMIN.email);
    expect(typo.status).toBe(401);

    // The guessing address stays refused, even with the right password, and is told for how long.
    const again = await signIn(ADMIN.password, ATTACKER);
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('rate_limited');
    expect(again.body.detail).toMatch(/sign-in attempts/i);
    expect(Number(again.retryAfter)).toBeGreaterThan(60);
    expect(Number(again.retryAfter)).toBeLessThanOrEqual(15 * 60);
    expect(again.body.retryAfterSec).toBe(Number(again.retryAfter));
  });

  it('does not let the refused address escape by writing its own X-Forwarded-For entries', async () => {
    // A proxy appends the address it saw; whatever the client wrote comes first. (Runs after the
    // attack above, so ATTACKER is refused.) Another account's email, so only the address can refuse.
    for (const forged of ['192.0.2.99', '10.1.2.3, 192.0.2.100']) {
      const res = await signIn('a guess', `${forged}, ${ATTACKER}`, 'someone.else@security.test');
      expect(res.status, `X-Forwarded-For: ${forged}, ${ATTACKER}`).toBe(429);
    }
  });
});
