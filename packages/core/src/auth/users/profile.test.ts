// A user's sending identity (display name, sending address): set by the user themselves or by an admin,
// audited, and carried by their sessions and by the tokens that stand for them.
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logs } from '../../db/schema';
import { MailroomError } from '../../errors';
import { backends, createTestEnv, type TestEnv } from '../../testing';
import { login, resolveSession } from '../sessions';
import { createToken, resolveToken } from '../tokens';
import { createUser, updateProfile, updateUser } from '.';

const PASSWORD = 'a long enough password';

async function failure(p: Promise<unknown>): Promise<MailroomError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MailroomError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe.each(backends)('sending identity on %s', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('lets a user set their own display name and sending address, audited, and their session carries it', async () => {
    const user = await createUser({
      ctx: env.ctx,
      input: { email: 'ann@example.com', name: 'Ann Lee', password: PASSWORD, role: 'viewer' },
    });
    const { sessionToken } = await login(env.database.db, { email: 'ann@example.com', password: PASSWORD });
    const session = await resolveSession(env.database.db, sessionToken);
    expect(session?.actor.sender).toEqual({ name: null, address: null });

    const ctx = env.as({ userId: user.id, label: 'ann@example.com', role: user.role, via: 'session' });
    const bad = await failure(updateProfile({ ctx, input: { sendingAddress: 'not an address' } }));
    expect(bad.errors).toEqual([{ path: 'sendingAddress', message: 'must be a valid email address' }]);

    const saved = await updateProfile({ ctx, input: { sendingAddress: 'ann@sales.example.com' } });
    expect(saved).toMatchObject({ displayName: null, sendingAddress: 'ann@sales.example.com' });
    // No display name: their name goes with the address.
    expect((await resolveSession(env.database.db, sessionToken))?.actor.sender).toEqual({
      name: 'Ann Lee',
      address: 'ann@sales.example.com',
    });
    await updateProfile({ ctx, input: { displayName: 'Ann from Sales' } });
    expect((await resolveSession(env.database.db, sessionToken))?.actor.sender).toEqual({
      name: 'Ann from Sales',
      address: 'ann@sales.example.com',
    });
    // Empty text clears.
    const cleared = await updateProfile({ ctx, input: { sendingAddress: '' } });
    expect(cleared.sendingAddress).toBeNull();

    const audit = await env.database.db
      .select({ message: logs.message, actor: logs.actor })
      .from(logs)
      .where(and(eq(logs.source, 'audit'), eq(logs.actor, 'ann@example.com')));
    expect(audit.map((r) => r.message)).toEqual([
      'Ann Lee <ann@example.com> changed their profile: sending address none → “ann@sales.example.com”',
      'Ann Lee <ann@example.com> changed their profile: display name none → “Ann from Sales”',
      'Ann Lee <ann@example.com> changed their profile: sending address “ann@sales.example.com” → none',
    ]);
  });

  it('refuses a profile change through a token: a profile belongs to the person signing in', async () => {
    const ctx = env.as({ userId: 'someone', label: 'token:ci', via: 'token' });
    expect((await failure(updateProfile({ ctx, input: { displayName: 'CI' } }))).code).toBe('forbidden');
  });

  it("lets an admin set anyone's, and a token standing for the user carries it at once", async () => {
    const bob = await createUser({
      ctx: env.ctx,
      input: { email: 'bob@example.com', name: 'Bob', password: PASSWORD, role: 'admin' },
    });
    const bobCtx = env.as({ userId: bob.id, label: 'bob@example.com', via: 'session' });
    const { token } = await createToken({ ctx: bobCtx, input: { name: 'bob-ci', role: 'admin' } });
    expect((await resolveToken(env.database.db, token))?.actor.sender).toEqual({ name: null, address: null });

    const updated = await updateUser({
      ctx: env.ctx,
      id: bob.id,
      input: { displayName: 'Bob (Billing)', sendingAddress: 'bob@billing.example.com' },
    });
    expect(updated).toMatchObject({
      displayName: 'Bob (Billing)',
      sendingAddress: 'bob@billing.example.com',
    });
    // The token cache forgot the old identity.
    expect((await resolveToken(env.database.db, token))?.actor.sender).toEqual({
      name: 'Bob (Billing)',
      address: 'bob@billing.example.com',
    });
    const audit = await env.database.db
      .select({ message: logs.message })
      .from(logs)
      .where(and(eq(logs.source, 'audit'), like(logs.message, 'User Bob%changed%')));
    expect(audit.map((r) => r.message)).toEqual([
      'User Bob <bob@example.com> changed: display name none → “Bob (Billing)”; sending address none → “bob@billing.example.com”',
    ]);
  });
});
