// The people side over HTTP: what an admin does to users and teams, and what the affected person sees
// on their very next request.
import {
  meSchema,
  passwordResetResultSchema,
  teamDeletedSchema,
  teamSchema,
  userSchema,
} from '@mailroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, json, type TestApp } from '../../testing';

const PASSWORD = 'a long enough password';

describe('people API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Signs a person in with a cookie session; `call` then acts as them (cookie + CSRF). */
  async function signIn(email: string, password: string) {
    const res = await t.app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = await json(res);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const call = (method: string, path: string, payload?: unknown) =>
      Promise.resolve(
        t.app.request(path, {
          method,
          headers: {
            cookie,
            'x-csrf-token': body.csrfToken ?? '',
            ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
        }),
      );
    return { status: res.status, body, call };
  }

  async function newUser(email: string, role = 'viewer', teamIds: string[] = []) {
    const res = await t.call('POST', '/api/v1/users', {
      email,
      name: email.split('@')[0],
      password: PASSWORD,
      role,
      teamIds,
    });
    expect(res.status).toBe(201);
    return userSchema.parse(await json(res));
  }

  it('edits a user, and the change is in the Main Log with who did it', async () => {
    const red = teamSchema.parse(await json(t.call('POST', '/api/v1/teams', { name: 'Red' })));
    const vera = await newUser('vera@example.com');
    const res = await t.call('PATCH', `/api/v1/users/${vera.id}`, {
      name: 'Vera V.',
      role: 'team_admin',
      teamIds: [red.id],
    });
    expect(res.status).toBe(200);
    expect(userSchema.parse(await json(res))).toMatchObject({
      name: 'Vera V.',
      role: 'team_admin',
      teamIds: [red.id],
    });
    const bad = await t.call('PATCH', `/api/v1/users/${vera.id}`, { role: 'team_admin', teamIds: [] });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors).toEqual([
      { path: 'teamIds', message: 'a team admin needs at least one team' },
    ]);
    const logs = await json(t.call('GET', `/api/v1/logs?source=audit&q=${encodeURIComponent(vera.email)}`));
    expect(logs.items[0]).toMatchObject({
      source: 'audit',
      actor: ADMIN.email,
      message:
        'User Vera V. <vera@example.com> changed: name “vera” → “Vera V.”; role viewer → team admin; teams none → Red',
      context: {
        target: { type: 'user', id: vera.id },
        changes: { role: { from: 'viewer', to: 'team_admin' } },
      },
    });
  });

  it("disabling answers the user's session and token with 401 at once; enabling gives the token back", async () => {
    const ann = await newUser('ann@example.com', 'admin');
    const session = await signIn(ann.email, PASSWORD);
    expect(session.status).toBe(200);
    const made = await json(session.call('POST', '/api/v1/tokens', { name: "Ann's script", role: 'viewer' }));
    expect((await t.call('GET', '/api/v1/accounts', undefined, { token: made.token })).status).toBe(200);
    expect((await session.call('GET', '/api/v1/accounts')).status).toBe(200);

    const disabled = await t.call('POST', `/api/v1/users/${ann.id}/disable`, { reason: 'left the company' });
    expect(disabled.status).toBe(200);
    expect(userSchema.parse(await json(disabled)).disabledAt).not.toBeNull();
    expect((await session.call('GET', '/api/v1/accounts')).status).toBe(401);
    expect((await t.call('GET', '/api/v1/accounts', undefined, { token: made.token })).status).toBe(401);
    const again = await signIn(ann.email, PASSWORD);
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ code: 'forbidden', detail: 'This user is disabled' });

    // No body at all is fine too; enabling twice changes nothing.
    expect((await t.call('POST', `/api/v1/users/${ann.id}/enable`)).status).toBe(200);
    expect((await t.call('POST', `/api/v1/users/${ann.id}/enable`)).status).toBe(200);
    expect((await t.call('GET', '/api/v1/accounts', undefined, { token: made.token })).status).toBe(200);
    expect((await session.call('GET', '/api/v1/accounts')).status).toBe(401);
    expect((await signIn(ann.email, PASSWORD)).status).toBe(200);
  });

  it('refuses to leave the system without an enabled admin, saying why', async () => {
    const me = await json(t.call('GET', '/api/v1/auth/me'));
    // Other admins exist from the tests above: make them viewers first (the last one is refused).
    const users = await json(t.call('GET', '/api/v1/users'));
    for (const u of users.items) {
      if (u.id !== me.user.id && u.role === 'admin') {
        expect((await t.call('PATCH', `/api/v1/users/${u.id}`, { role: 'viewer' })).status).toBe(200);
      }
    }
    for (const [method, path, body] of [
      ['POST', `/api/v1/users/${me.user.id}/disable`, undefined],
      ['DELETE', `/api/v1/users/${me.user.id}`, undefined],
      ['PATCH', `/api/v1/users/${me.user.id}`, { role: 'viewer' }],
    ] as const) {
      const res = await t.call(method, path, body);
      expect(res.status).toBe(409);
      const problem = await json(res);
      expect(problem.detail).toContain('is the only enabled admin');
      expect(problem.hint).toBe('Make another user an admin (or enable one) first.');
    }
  });

  it('resets a password: the next session must choose a new one, and can do nothing else', async () => {
    const dan = await newUser('dan@example.com');
    const old = await signIn(dan.email, PASSWORD);
    const res = await t.call('POST', `/api/v1/users/${dan.id}/password-reset`);
    expect(res.status).toBe(200);
    const reset = passwordResetResultSchema.parse(await json(res));
    expect(reset.user.mustChangePassword).toBe(true);
    expect((await old.call('GET', '/api/v1/auth/me')).status).toBe(401);

    const temp = await signIn(dan.email, reset.temporaryPassword!);
    expect(temp.status).toBe(200);
    expect(meSchema.parse(temp.body).user.mustChangePassword).toBe(true);
    expect((await temp.call('GET', '/api/v1/auth/me')).status).toBe(200);
    const blocked = await temp.call('GET', '/api/v1/accounts');
    expect(blocked.status).toBe(403);
    expect(await json(blocked)).toMatchObject({ code: 'forbidden', passwordChangeRequired: true });

    const wrong = await temp.call('POST', '/api/v1/auth/password', {
      currentPassword: 'not the temporary one',
      newPassword: 'dan chose this one',
    });
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).errors).toEqual([{ path: 'currentPassword', message: 'is wrong' }]);
    const changed = await temp.call('POST', '/api/v1/auth/password', {
      currentPassword: reset.temporaryPassword,
      newPassword: 'dan chose this one',
    });
    expect(changed.status).toBe(200);
    expect(meSchema.parse(await json(changed)).user.mustChangePassword).toBe(false);
    expect((await temp.call('GET', '/api/v1/accounts')).status).toBe(200);
    expect((await signIn(dan.email, 'dan chose this one')).status).toBe(200);

    // A token is no person: it cannot change a password.
    const token = await json(t.call('POST', '/api/v1/tokens', { name: 'pw', role: 'admin' }));
    const byToken = await t.call(
      'POST',
      '/api/v1/auth/password',
      { currentPassword: ADMIN.password, newPassword: 'another long password' },
      { token: token.token },
    );
    expect(byToken.status).toBe(403);
  });

  it('deletes a user, revoking their tokens', async () => {
    const eve = await newUser('eve@example.com', 'admin');
    const session = await signIn(eve.email, PASSWORD);
    const made = await json(session.call('POST', '/api/v1/tokens', { name: "Eve's", role: 'admin' }));
    const res = await t.call('DELETE', `/api/v1/users/${eve.id}`);
    expect(await json(res)).toEqual({ id: eve.id, email: eve.email, revokedTokens: 1 });
    expect((await t.call('GET', '/api/v1/accounts', undefined, { token: made.token })).status).toBe(401);
    expect((await session.call('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await t.call('GET', `/api/v1/users/${eve.id}`)).status).toBe(404);
  });

  it('renames teams and refuses to delete one with accounts unless they move', async () => {
    const team = teamSchema.parse(await json(t.call('POST', '/api/v1/teams', { name: 'Support' })));
    const renamed = await t.call('PATCH', `/api/v1/teams/${team.id}`, { name: 'Customer support' });
    expect(teamSchema.parse(await json(renamed)).name).toBe('Customer support');
    const created = await t.call('POST', '/api/v1/accounts', {
      name: 'Support desk',
      teamId: team.id,
      outgoing: {
        transport: 'smtp',
        host: 'smtp.example.com',
        security: 'starttls',
        from: { address: 'help@example.com' },
      },
    });
    expect(created.status).toBe(201);
    const refused = await t.call('DELETE', `/api/v1/teams/${team.id}`);
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({
      code: 'conflict',
      detail: 'Team “Customer support” still has 1 mail account',
      accounts: 1,
    });
    const typo = await t.call('DELETE', `/api/v1/teams/${team.id}?moveAccountsTo=elsewhere`);
    expect(typo.status).toBe(400);
    expect((await json(typo)).errors[0].path).toBe('moveAccountsTo');
    const moved = await t.call('DELETE', `/api/v1/teams/${team.id}?moveAccountsTo=system`);
    expect(moved.status).toBe(200);
    expect(teamDeletedSchema.parse(await json(moved))).toMatchObject({ movedAccounts: 1 });
    const account = await json(t.call('GET', `/api/v1/accounts/${(await json(created)).id}`));
    expect(account.teamId).toBeNull();
  });

  it('gives team-admin tokens a team, and refuses one without', async () => {
    const team = teamSchema.parse(await json(t.call('POST', '/api/v1/teams', { name: 'Blue' })));
    const none = await t.call('POST', '/api/v1/tokens', { name: 'blue', role: 'team_admin' });
    expect(none.status).toBe(400);
    expect((await json(none)).errors).toEqual([
      { path: 'teamIds', message: 'a team admin token needs at least one team' },
    ]);
    const unknown = await t.call('POST', '/api/v1/tokens', {
      name: 'blue',
      role: 'team_admin',
      teamIds: ['nope'],
    });
    expect((await json(unknown)).errors).toEqual([
      { path: 'teamIds.0', message: 'team nope does not exist' },
    ]);
    const ok = await t.call('POST', '/api/v1/tokens', {
      name: 'blue',
      role: 'team_admin',
      teamIds: [team.id],
    });
    expect(ok.status).toBe(201);
    const me = await json(t.call('GET', '/api/v1/auth/me', undefined, { token: (await json(ok)).token }));
    expect(me.user).toMatchObject({ role: 'team_admin', teamIds: [team.id] });
  });

  it('lets neither team admins nor viewers manage people', async () => {
    const team = teamSchema.parse(await json(t.call('POST', '/api/v1/teams', { name: 'Green' })));
    const target = await newUser('target@example.com', 'viewer', [team.id]);
    const lead = await json(
      t.call('POST', '/api/v1/tokens', { name: 'lead', role: 'team_admin', teamIds: [team.id] }),
    );
    const viewer = await json(t.call('POST', '/api/v1/tokens', { name: 'viewer', role: 'viewer' }));
    for (const token of [lead.token, viewer.token]) {
      for (const [method, path, body] of [
        ['GET', '/api/v1/users', undefined],
        ['PATCH', `/api/v1/users/${target.id}`, { name: 'Hijacked' }],
        ['POST', `/api/v1/users/${target.id}/disable`, {}],
        ['POST', `/api/v1/users/${target.id}/password-reset`, {}],
        ['DELETE', `/api/v1/users/${target.id}`, undefined],
        ['PATCH', `/api/v1/teams/${team.id}`, { name: 'Mine' }],
        ['DELETE', `/api/v1/teams/${team.id}`, undefined],
      ] as const) {
        expect((await t.call(method, path, body, { token })).status, `${method} ${path}`).toBe(403);
      }
    }
    expect(userSchema.parse(await json(t.call('GET', `/api/v1/users/${target.id}`))).name).toBe('target');
  });
});

describe('changing a password is throttled like signing in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses the address after ten wrong current passwords', async () => {
    const wrong = { currentPassword: 'a wrong guess', newPassword: 'whatever comes next' };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await t.call('POST', '/api/v1/auth/password', wrong)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    const right = await t.call('POST', '/api/v1/auth/password', {
      currentPassword: ADMIN.password,
      newPassword: 'whatever comes next',
    });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
