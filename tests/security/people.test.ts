// The people side under attack: someone who is not a full admin (a team admin or a viewer, signed in or
// with a token) tries to change other people, make themselves an admin, or take over an admin's account.
// Every attempt must be refused and leave nothing changed. A disabled person is locked out at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type Client, type Reply, startTarget, type Target } from './support/target';

const PASSWORD = 'a long enough password';

/** A person signed in with a cookie session, calling the API as the browser would (CSRF header included). */
async function signIn(url: string, email: string, password: string): Promise<Client & { status: number }> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { csrfToken?: string };
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    status: res.status,
    token: '',
    async call(method, path, payload) {
      const r = await fetch(`${url}${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': body.csrfToken ?? '',
          ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
      });
      const text = await r.text();
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      return { status: r.status, headers: r.headers, text, body: parsed } as Reply;
    },
  };
}

describe('people: only full admins manage people', () => {
  let target: Target;
  let teamId = '';
  let adminId = '';
  let colleagueId = '';
  const attackers: Array<{ who: string; id: string; client: Client }> = [];

  beforeAll(async () => {
    target = await startTarget();
    teamId = await target.team('Sales');
    const me = await target.admin.call('GET', '/api/v1/auth/me');
    adminId = me.body.user.id;
    const make = async (email: string, role: string, teamIds: string[]) => {
      const r = await target.admin.call('POST', '/api/v1/users', {
        email,
        name: email,
        password: PASSWORD,
        role,
        teamIds,
      });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    colleagueId = await make('colleague@security.test', 'viewer', [teamId]);
    const leadId = await make('lead@security.test', 'team_admin', [teamId]);
    const viewerId = await make('viewer@security.test', 'viewer', []);
    attackers.push(
      {
        who: 'team admin (session)',
        id: leadId,
        client: await signIn(target.url, 'lead@security.test', PASSWORD),
      },
      {
        who: 'viewer (session)',
        id: viewerId,
        client: await signIn(target.url, 'viewer@security.test', PASSWORD),
      },
      { who: 'team admin (token)', id: leadId, client: await target.client('team_admin', [teamId]) },
      { who: 'viewer (token)', id: viewerId, client: await target.client('viewer') },
    );
  });
  afterAll(async () => {
    await target?.close();
  });

  it('refuses every change to people from a team admin or a viewer', async () => {
    for (const { who, id, client } of attackers) {
      const attempts: Array<[string, string, unknown?]> = [
        // Change someone else, even a member of the attacker's own team.
        ['PATCH', `/api/v1/users/${colleagueId}`, { name: 'Renamed by an attacker' }],
        ['PATCH', `/api/v1/users/${colleagueId}`, { role: 'admin' }],
        ['POST', `/api/v1/users/${colleagueId}/disable`, {}],
        ['DELETE', `/api/v1/users/${colleagueId}`],
        // Escalate their own role, or widen their own teams.
        ['PATCH', `/api/v1/users/${id}`, { role: 'admin' }],
        ['PATCH', `/api/v1/users/${id}`, { teamIds: [teamId] }],
        ['POST', `/api/v1/users/${id}/enable`],
        // Take over the admin: lock them out, or set their password.
        ['POST', `/api/v1/users/${adminId}/disable`, {}],
        ['POST', `/api/v1/users/${adminId}/password-reset`, { password: 'the attacker knows this' }],
        ['POST', `/api/v1/users/${adminId}/password-reset`],
        ['DELETE', `/api/v1/users/${adminId}`],
        // Escalate sideways: a new admin user, an admin token, another team.
        [
          'POST',
          '/api/v1/users',
          { email: 'mole@security.test', name: 'Mole', password: PASSWORD, role: 'admin' },
        ],
        ['POST', '/api/v1/tokens', { name: 'backdoor', role: 'admin' }],
        ['PATCH', `/api/v1/teams/${teamId}`, { name: 'Taken' }],
        ['DELETE', `/api/v1/teams/${teamId}?moveAccountsTo=system`],
        ['GET', '/api/v1/users'],
        ['GET', `/api/v1/users/${adminId}`],
      ];
      for (const [method, path, body] of attempts) {
        const r = await client.call(method, path, body);
        expect(r.status, `${who}: ${method} ${path} → ${r.text}`).toBe(403);
      }
    }
    // Nothing changed: the admin still signs in with their own password, and every role is as made.
    expect((await signIn(target.url, ADMIN.email, ADMIN.password)).status).toBe(200);
    const users = await target.admin.call('GET', '/api/v1/users');
    const roles = Object.fromEntries(
      users.body.items.map((u: { email: string; role: string }) => [u.email, u.role]),
    );
    expect(roles).toEqual({
      [ADMIN.email]: 'admin',
      'colleague@security.test': 'viewer',
      'lead@security.test': 'team_admin',
      'viewer@security.test': 'viewer',
    });
    expect(
      users.body.items.every(
        (u: { disabledAt: string | null; name: string }) => !u.disabledAt && !u.name.includes('attacker'),
      ),
    ).toBe(true);
    const teams = await target.admin.call('GET', '/api/v1/teams');
    expect(teams.body.items.map((t: { name: string }) => t.name)).toEqual(['Sales']);
  });

  it('refuses fields an edit does not take (no mass assignment of email, password or state)', async () => {
    for (const body of [
      { email: 'admin@security.test' },
      { passwordHash: 'scrypt$…' },
      { password: 'set without a reset' },
      { disabledAt: null },
      { mustChangePassword: false },
    ]) {
      const r = await target.admin.call('PATCH', `/api/v1/users/${colleagueId}`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('locks a disabled person out at once: their session and the tokens they made get 401', async () => {
    const r = await target.admin.call('POST', '/api/v1/users', {
      email: 'leaver@security.test',
      name: 'Leaver',
      password: PASSWORD,
      role: 'admin',
    });
    const leaver = await signIn(target.url, 'leaver@security.test', PASSWORD);
    const made = await leaver.call('POST', '/api/v1/tokens', { name: 'leaver script', role: 'admin' });
    expect(made.status).toBe(201);
    const theirToken = { Authorization: `Bearer ${made.body.token}` };
    // The token made with their token stands for them too.
    const chained = await fetch(`${target.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { ...theirToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made by the script', role: 'admin' }),
    }).then((x) => x.json() as Promise<{ token: string }>);
    const use = (token: string) =>
      fetch(`${target.url}/api/v1/accounts`, { headers: { Authorization: `Bearer ${token}` } }).then(
        (x) => x.status,
      );
    expect(await use(made.body.token)).toBe(200);
    expect(await use(chained.token)).toBe(200);

    expect(
      (await target.admin.call('POST', `/api/v1/users/${r.body.id}/disable`, { reason: 'left' })).status,
    ).toBe(200);
    expect((await leaver.call('GET', '/api/v1/accounts')).status).toBe(401);
    expect(await use(made.body.token)).toBe(401);
    expect(await use(chained.token)).toBe(401);
    expect((await signIn(target.url, 'leaver@security.test', PASSWORD)).status).toBe(403);
  });

  it('keeps a session with a reset password away from everything but choosing a new one', async () => {
    const r = await target.admin.call('POST', `/api/v1/users/${colleagueId}/password-reset`, {
      password: 'temporary password 1',
    });
    expect(r.status).toBe(200);
    const s = await signIn(target.url, 'colleague@security.test', 'temporary password 1');
    expect(s.status).toBe(200);
    for (const [method, path] of [
      ['GET', '/api/v1/accounts'],
      ['GET', '/api/v1/logs'],
      ['POST', '/api/v1/messages'],
      ['GET', '/api/v1/tokens'],
    ] as const) {
      const res = await s.call(method, path, method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.passwordChangeRequired).toBe(true);
    }
  });
});
