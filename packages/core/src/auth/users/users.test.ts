import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../context';
import { apiTokens, logs, sessions } from '../../db/schema';
import { MailroomError } from '../../errors';
import { backends, createTestEnv, type TestEnv } from '../../testing';
import { login, resolveSession } from '../sessions';
import { createTeam } from '../teams';
import { createToken, resolveToken } from '../tokens';
import {
  changePassword,
  createUser,
  deleteUser,
  disableUser,
  enableUser,
  listUsers,
  resetPassword,
  updateUser,
} from '.';

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

describe.each(backends)('people on %s', (backend) => {
  let env: TestEnv;
  let n = 0;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    // An enabled admin who stays, so the tests below may disable, demote and delete other admins.
    await createUser({
      ctx: env.ctx,
      input: { email: 'keeper@example.com', name: 'Keeper', password: PASSWORD, role: 'admin' },
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  /** A user, a signed-in session of theirs, and a context acting as that user (a session). */
  async function person(role: 'admin' | 'team_admin' | 'viewer' = 'viewer', teamIds: string[] = []) {
    const email = `person${++n}@example.com`;
    const user = await createUser({
      ctx: env.ctx,
      input: { email, name: `Person ${n}`, password: PASSWORD, role, teamIds },
    });
    const session = await login(env.database.db, { email, password: PASSWORD });
    const ctx: Ctx = env.as({ userId: user.id, label: email, role, teamIds, via: 'session' });
    return { user, email, session, ctx };
  }

  async function auditRows(target: string) {
    const rows = await env.database.db.select().from(logs).where(eq(logs.source, 'audit'));
    return rows.filter((r) => (r.context as { target?: { id?: string } }).target?.id === target);
  }

  it('edits name, role and teams, and audits who changed what', async () => {
    const red = await createTeam({ ctx: env.ctx, input: { name: `Red ${backend}` } });
    const { user } = await person('viewer');
    const updated = await updateUser({
      ctx: env.ctx,
      id: user.id,
      input: { name: 'Vera Renamed', role: 'team_admin', teamIds: [red.id, red.id] },
    });
    expect(updated).toMatchObject({ name: 'Vera Renamed', role: 'team_admin', teamIds: [red.id] });
    const rows = await auditRows(user.id);
    expect(rows.map((r) => r.message)).toEqual([
      expect.stringMatching(/^User Person \d+ <person\d+@example.com> created as viewer$/),
      expect.stringMatching(
        new RegExp(
          `changed: name “Person \\d+” → “Vera Renamed”; role viewer → team admin; teams none → Red ${backend}$`,
        ),
      ),
    ]);
    expect(rows[1]).toMatchObject({
      actor: 'admin@test',
      level: 'info',
      context: {
        target: { type: 'user', id: user.id, label: user.email },
        changes: {
          name: { from: user.name, to: 'Vera Renamed' },
          role: { from: 'viewer', to: 'team_admin' },
          teams: { from: [], to: [`Red ${backend}`] },
        },
      },
    });
    // No change, no audit row.
    await updateUser({ ctx: env.ctx, id: user.id, input: { name: 'Vera Renamed' } });
    expect(await auditRows(user.id)).toHaveLength(2);
  });

  it('refuses a team admin without a team, unknown teams and unknown fields, naming the field', async () => {
    const { user } = await person('viewer');
    const noTeam = await failure(updateUser({ ctx: env.ctx, id: user.id, input: { role: 'team_admin' } }));
    expect(noTeam.errors).toEqual([{ path: 'teamIds', message: 'a team admin needs at least one team' }]);
    const unknown = await failure(updateUser({ ctx: env.ctx, id: user.id, input: { teamIds: ['nope'] } }));
    expect(unknown.errors).toEqual([{ path: 'teamIds.0', message: 'team nope does not exist' }]);
    const email = await failure(updateUser({ ctx: env.ctx, id: user.id, input: { email: 'x@example.com' } }));
    expect(email.code).toBe('validation_failed');
    const empty = await failure(updateUser({ ctx: env.ctx, id: user.id, input: {} }));
    expect(empty).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('is required'),
    });
    expect((await failure(updateUser({ ctx: env.ctx, id: 'missing', input: { name: 'X' } }))).code).toBe(
      'not_found',
    );
  });

  it('disabling ends the sessions and stops the tokens at once; enabling brings the tokens back', async () => {
    const ann = await person('admin');
    const made = await createToken({ ctx: ann.ctx, input: { name: `ann's ${backend}`, role: 'viewer' } });
    // A token made with a token stands for the same person.
    const viaToken = await resolveToken(env.database.db, made.token);
    expect(viaToken?.actor).toMatchObject({ userId: ann.user.id, role: 'viewer', via: 'token' });
    const chained = await createToken({
      ctx: env.as({ ...viaToken!.actor, role: 'admin' }),
      input: { name: `chained ${backend}`, role: 'viewer' },
    });
    expect(await resolveToken(env.database.db, chained.token)).not.toBeNull();

    const disabled = await disableUser({
      ctx: env.ctx,
      id: ann.user.id,
      input: { reason: 'left the company' },
    });
    expect(disabled.disabledAt).not.toBeNull();
    // The resolution was cached a moment ago: disabling forgets it.
    expect(await resolveToken(env.database.db, made.token)).toBeNull();
    expect(await resolveToken(env.database.db, chained.token)).toBeNull();
    expect(await resolveSession(env.database.db, ann.session.sessionToken)).toBeNull();
    const rows = await env.database.db.select().from(sessions).where(eq(sessions.userId, ann.user.id));
    expect(rows).toEqual([]);
    const signIn = await failure(login(env.database.db, { email: ann.email, password: PASSWORD }));
    expect(signIn).toMatchObject({ code: 'forbidden', message: 'This user is disabled' });
    // A wrong password still reads like any wrong password: nothing about the user's state leaks.
    const wrong = await failure(login(env.database.db, { email: ann.email, password: 'not the password' }));
    expect(wrong.code).toBe('unauthenticated');
    const audit = (await auditRows(ann.user.id)).at(-1);
    expect(audit).toMatchObject({
      level: 'warning',
      message: expect.stringContaining('disabled: left the company'),
      context: { endedSessions: 1 },
    });

    await enableUser({ ctx: env.ctx, id: ann.user.id });
    expect(await resolveToken(env.database.db, made.token)).not.toBeNull();
    expect(
      (await login(env.database.db, { email: ann.email, password: PASSWORD })).user.disabledAt,
    ).toBeNull();
  });

  it('never leaves the system without an enabled admin', async () => {
    // The test env's admin is no user: the only admin users are the ones made here.
    const fresh = await createTestEnv(backend);
    try {
      const only = await createUser({
        ctx: fresh.ctx,
        input: { email: 'olive@example.com', name: 'Olive', password: PASSWORD, role: 'admin' },
      });
      const self = fresh.as({ userId: only.id, label: only.email, via: 'session' });
      for (const attempt of [
        () => disableUser({ ctx: self, id: only.id, input: {} }),
        () => deleteUser({ ctx: self, id: only.id }),
        () => updateUser({ ctx: self, id: only.id, input: { role: 'viewer' } }),
      ]) {
        const e = await failure(attempt());
        expect(e.code).toBe('conflict');
        expect(e.message).toContain('is the only enabled admin');
        expect(e.hint).toContain('Make another user an admin');
      }
      const second = await createUser({
        ctx: fresh.ctx,
        input: { email: 'second@example.com', name: 'Second', password: PASSWORD, role: 'admin' },
      });
      // Two admins disabling each other at once: one wins, the other is refused.
      const both = await Promise.allSettled([
        disableUser({ ctx: self, id: second.id, input: {} }),
        disableUser({ ctx: fresh.as({ userId: second.id, label: second.email }), id: only.id, input: {} }),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      // Refused for the reason, not aborted by a deadlock between the two transactions.
      const refused = both.find((r) => r.status === 'rejected');
      expect(refused?.reason).toMatchObject({ code: 'conflict' });
      const users = await listUsers({ ctx: fresh.ctx });
      expect(users.filter((u) => u.role === 'admin' && !u.disabledAt)).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });

  it('deletes a user: tokens revoked, sessions gone, history names them', async () => {
    const bob = await person('admin');
    const made = await createToken({ ctx: bob.ctx, input: { name: `bob's ${backend}`, role: 'admin' } });
    const result = await deleteUser({ ctx: env.ctx, id: bob.user.id });
    expect(result).toEqual({ id: bob.user.id, email: bob.email, revokedTokens: 1 });
    expect(await resolveToken(env.database.db, made.token)).toBeNull();
    expect(await resolveSession(env.database.db, bob.session.sessionToken)).toBeNull();
    const [token] = await env.database.db.select().from(apiTokens).where(eq(apiTokens.id, made.id));
    expect(token).toMatchObject({ createdBy: bob.email, userId: null });
    expect(token?.revokedAt).not.toBeNull();
    const audit = (await auditRows(bob.user.id)).at(-1);
    expect(audit?.context).toMatchObject({
      deleted: { email: bob.email, role: 'admin' },
      revoked: [`bob's ${backend}`],
    });
    expect((await listUsers({ ctx: env.ctx })).some((u) => u.id === bob.user.id)).toBe(false);
    expect((await failure(deleteUser({ ctx: env.ctx, id: bob.user.id }))).code).toBe('not_found');
  });

  it('demoting revokes the tokens that would outrank the person', async () => {
    const cat = await person('admin');
    const high = await createToken({ ctx: cat.ctx, input: { name: `cat admin ${backend}`, role: 'admin' } });
    const low = await createToken({ ctx: cat.ctx, input: { name: `cat viewer ${backend}`, role: 'viewer' } });
    expect(await resolveToken(env.database.db, high.token)).not.toBeNull();
    await updateUser({ ctx: env.ctx, id: cat.user.id, input: { role: 'viewer' } });
    expect(await resolveToken(env.database.db, high.token)).toBeNull();
    expect(await resolveToken(env.database.db, low.token)).not.toBeNull();
    const [row] = await env.database.db.select().from(apiTokens).where(eq(apiTokens.id, high.id));
    expect(row?.revokedAt).not.toBeNull();
    expect((await auditRows(cat.user.id)).at(-1)?.context).toMatchObject({
      revoked: [`cat admin ${backend}`],
    });
  });

  it('resets a password: sessions end, the next session must choose a new one', async () => {
    const dan = await person('viewer');
    const other = await login(env.database.db, { email: dan.email, password: PASSWORD });
    const reset = await resetPassword({ ctx: env.ctx, id: dan.user.id, input: {} });
    expect(reset.user.mustChangePassword).toBe(true);
    const temporary = reset.temporaryPassword!;
    expect(temporary.length).toBeGreaterThanOrEqual(16);
    expect(await resolveSession(env.database.db, other.sessionToken)).toBeNull();
    expect((await failure(login(env.database.db, { email: dan.email, password: PASSWORD }))).code).toBe(
      'unauthenticated',
    );
    const first = await login(env.database.db, { email: dan.email, password: temporary });
    expect(first.user.mustChangePassword).toBe(true);
    const second = await login(env.database.db, { email: dan.email, password: temporary });
    const session = await resolveSession(env.database.db, first.sessionToken);
    const ctx = env.as(session!.actor);

    const wrong = await failure(
      changePassword({
        ctx,
        input: { currentPassword: 'guess guess guess', newPassword: 'my own new password' },
      }),
    );
    expect(wrong).toMatchObject({
      code: 'unauthenticated',
      errors: [{ path: 'currentPassword', message: 'is wrong' }],
    });
    const same = await failure(
      changePassword({ ctx, input: { currentPassword: temporary, newPassword: temporary } }),
    );
    expect(same.errors).toEqual([{ path: 'newPassword', message: 'must differ from the current password' }]);
    const short = await failure(
      changePassword({ ctx, input: { currentPassword: temporary, newPassword: 'short' } }),
    );
    expect(short.errors?.[0]?.path).toBe('newPassword');

    const changed = await changePassword({
      ctx,
      input: { currentPassword: temporary, newPassword: 'my own new password' },
      keepSessionHash: session!.sessionHash,
    });
    expect(changed.mustChangePassword).toBe(false);
    expect(await resolveSession(env.database.db, first.sessionToken)).not.toBeNull();
    expect(await resolveSession(env.database.db, second.sessionToken)).toBeNull();
    const again = await login(env.database.db, { email: dan.email, password: 'my own new password' });
    expect(again.user.mustChangePassword).toBe(false);

    const rows = await auditRows(dan.user.id);
    expect(rows.map((r) => r.message).slice(-2)).toEqual([
      expect.stringContaining('reset; a new one must be chosen'),
      expect.stringContaining('changed their password (required after a reset)'),
    ]);
    // No password, temporary or chosen, reaches the log.
    const text = JSON.stringify(await env.database.db.select().from(logs));
    expect(text).not.toContain(temporary);
    expect(text).not.toContain('my own new password');

    const given = await resetPassword({
      ctx: env.ctx,
      id: dan.user.id,
      input: { password: 'chosen by the admin' },
    });
    expect(given.temporaryPassword).toBeUndefined();
    expect(
      (await login(env.database.db, { email: dan.email, password: 'chosen by the admin' })).user,
    ).toMatchObject({
      mustChangePassword: true,
    });
  });

  it('lets only admins manage people, and only a signed-in person change their password', async () => {
    const red = await createTeam({ ctx: env.ctx, input: { name: `Guarded ${backend}` } });
    const lead = await person('team_admin', [red.id]);
    const viewer = await person('viewer');
    const target = await person('viewer', [red.id]);
    for (const { ctx } of [lead, viewer]) {
      const attempts = [
        () => updateUser({ ctx, id: target.user.id, input: { name: 'Hijacked' } }),
        () => updateUser({ ctx, id: ctx.actor.userId!, input: { role: 'admin' } }),
        () => disableUser({ ctx, id: target.user.id, input: {} }),
        () => enableUser({ ctx, id: target.user.id }),
        () => deleteUser({ ctx, id: target.user.id }),
        () => resetPassword({ ctx, id: target.user.id, input: {} }),
        () => listUsers({ ctx }),
      ];
      for (const attempt of attempts) expect((await failure(attempt())).code).toBe('forbidden');
    }
    const token = await createToken({ ctx: env.ctx, input: { name: `pw ${backend}`, role: 'admin' } });
    const viaToken = await resolveToken(env.database.db, token.token);
    const e = await failure(
      changePassword({
        ctx: env.as(viaToken!.actor),
        input: { currentPassword: PASSWORD, newPassword: 'another long password' },
      }),
    );
    expect(e.code).toBe('forbidden');
    const [untouched] = await env.database.db
      .select()
      .from(logs)
      .where(and(eq(logs.source, 'audit'), eq(logs.message, 'Hijacked')));
    expect(untouched).toBeUndefined();
  });
});
