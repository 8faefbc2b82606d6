// Sign-in throttling without a trusted proxy (MAILROOM_TRUST_PROXY=false, the default): the address
// that counts is the socket's, so an attacker cannot pin its failures on the admin's address by writing
// X-Forwarded-For. Runs in the network namespace (security/netns.sh): the attacker connects from
// 127.0.0.1, the admin from 44.0.0.1, two real source addresses on one machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_A } from './support/servers';
import { ADMIN, startTarget, type Target } from './support/target';

beforeAll(() => {
  if (!process.env.MAILROOM_TEST_NETNS) throw new Error('run through security/netns.sh');
});

describe('X-Forwarded-For is not trusted unless the operator says so', () => {
  let target: Target;
  let port: number;
  beforeAll(async () => {
    target = await startTarget({ MAILROOM_HOST: '0.0.0.0' });
    port = target.running.port;
  });
  afterAll(async () => {
    await target?.close();
  });

  const signIn = async (host: string, password: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://${host}:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email: ADMIN.email, password }),
    });
    await res.text();
    return res.status;
  };

  it("an attacker naming the admin's address in X-Forwarded-For locks only itself out", async () => {
    const forged = { 'x-forwarded-for': PUBLIC_A };
    const burst = await Promise.all(
      Array.from({ length: 12 }, () => signIn('127.0.0.1', 'not the password', forged)),
    );
    expect(burst.sort()).toEqual([...Array(10).fill(401), 429, 429]);
    // The admin's own address never failed: signed in.
    expect(await signIn(PUBLIC_A, ADMIN.password)).toBe(200);
    // The attacker's socket stays refused whatever address it claims.
    expect(await signIn('127.0.0.1', ADMIN.password, { 'x-forwarded-for': '192.0.2.1' })).toBe(429);
  });
});
