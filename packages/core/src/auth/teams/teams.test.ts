import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStage, createAccount, getAccount, listTimeline } from '../../accounts';
import { apiTokens, logs, userTeams } from '../../db/schema';
import { getDefaults, setDefault } from '../../defaults';
import { MailroomError } from '../../errors';
import { backends, createTestEnv, type TestEnv } from '../../testing';
import { createToken, resolveToken } from '../tokens';
import { createUser, getUser } from '../users';
import { createTeam, deleteTeam, listTeams, updateTeam } from '.';

async function failure(p: Promise<unknown>): Promise<MailroomError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MailroomError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

const account = (name: string, teamId: string) => ({
  name,
  teamId,
  outgoing: {
    transport: 'smtp',
    host: 'smtp.example.com',
    security: 'starttls',
    from: { address: 'team@example.com' },
  },
});

describe.each(backends)('teams on %s', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('renames a team, refusing a name in use, and audits it', async () => {
    const a = await createTeam({ ctx: env.ctx, input: { name: 'Alpha' } });
    await createTeam({ ctx: env.ctx, input: { name: 'Beta' } });
    const taken = await failure(updateTeam({ ctx: env.ctx, id: a.id, input: { name: 'Beta' } }));
    expect(taken).toMatchObject({
      code: 'conflict',
      errors: [{ path: 'name', message: 'is already used by another team' }],
    });
    const renamed = await updateTeam({ ctx: env.ctx, id: a.id, input: { name: 'Alpha One' } });
    expect(renamed).toMatchObject({ id: a.id, name: 'Alpha One', members: 0, accounts: 0 });
    const [row] = await env.database.db
      .select()
      .from(logs)
      .where(eq(logs.message, 'Team “Alpha” renamed to “Alpha One”'));
    expect(row).toMatchObject({
      source: 'audit',
      actor: 'admin@test',
      context: { changes: { name: { from: 'Alpha', to: 'Alpha One' } } },
    });
    const lead = env.as({ role: 'team_admin', teamIds: [a.id] });
    expect((await failure(updateTeam({ ctx: lead, id: a.id, input: { name: 'Mine now' } }))).code).toBe(
      'forbidden',
    );
    expect((await failure(deleteTeam({ ctx: lead, id: a.id, input: {} }))).code).toBe('forbidden');
    expect((await failure(updateTeam({ ctx: env.ctx, id: 'missing', input: { name: 'X' } }))).code).toBe(
      'not_found',
    );
  });

  it('refuses to delete a team with accounts, naming the count; moves them to the system level on request', async () => {
    const sales = await createTeam({ ctx: env.ctx, input: { name: 'Sales' } });
    const other = await createTeam({ ctx: env.ctx, input: { name: 'Other' } });
    const live = await createAccount({ ctx: env.ctx, input: account('Sales desk', sales.id) });
    const gone = await createAccount({ ctx: env.ctx, input: account('Old sales desk', sales.id) });
    await changeStage({ ctx: env.ctx, id: gone.id, input: { stage: 'deleted' } });
    await setDefault({
      ctx: env.ctx,
      input: { teamId: sales.id, direction: 'outgoing', accountId: live.id },
    });
    const lead = await createUser({
      ctx: env.ctx,
      input: {
        email: 'lead@example.com',
        name: 'Lead',
        password: 'a long enough password',
        role: 'team_admin',
        teamIds: [sales.id],
      },
    });
    const both = await createUser({
      ctx: env.ctx,
      input: {
        email: 'both@example.com',
        name: 'Both',
        password: 'a long enough password',
        role: 'team_admin',
        teamIds: [sales.id, other.id],
      },
    });
    const only = await createToken({
      ctx: env.ctx,
      input: { name: 'sales only', role: 'team_admin', teamIds: [sales.id] },
    });
    const shared = await createToken({
      ctx: env.ctx,
      input: { name: 'sales+other', role: 'team_admin', teamIds: [sales.id, other.id] },
    });
    expect(await resolveToken(env.database.db, shared.token)).toMatchObject({
      actor: { teamIds: [sales.id, other.id] },
    });
    expect((await listTeams({ ctx: env.ctx })).find((t) => t.id === sales.id)).toMatchObject({
      members: 2,
      accounts: 2,
    });

    const refused = await failure(deleteTeam({ ctx: env.ctx, id: sales.id, input: {} }));
    expect(refused).toMatchObject({
      code: 'conflict',
      message: 'Team “Sales” still has 2 mail accounts (1 deleted)',
      extra: { accounts: 2, deletedAccounts: 1 },
      errors: [
        {
          path: 'moveAccountsTo',
          message: 'the team has 2 mail accounts (1 deleted); move them to delete it',
        },
      ],
    });
    expect(refused.hint).toContain('moveAccountsTo=system');
    expect((await listTeams({ ctx: env.ctx })).some((t) => t.id === sales.id)).toBe(true);

    const done = await deleteTeam({ ctx: env.ctx, id: sales.id, input: { moveAccountsTo: 'system' } });
    expect(done).toEqual({
      id: sales.id,
      name: 'Sales',
      movedAccounts: 2,
      clearedDefaults: 1,
      removedMembers: 2,
      teamAdminsWithoutTeam: ['lead@example.com'],
      revokedTokens: 1,
    });
    expect((await getAccount({ ctx: env.ctx, id: live.id })).teamId).toBeNull();
    const events = await listTimeline({ ctx: env.ctx, id: live.id });
    expect(events.map((e) => e.summary)).toEqual(
      expect.arrayContaining([
        'Moved to the system level: team “Sales” was deleted',
        'No longer the outgoing default of team “Sales”: the team was deleted',
      ]),
    );
    expect((await getDefaults({ ctx: env.ctx })).some((d) => d.teamId === sales.id)).toBe(false);
    expect(await env.database.db.select().from(userTeams).where(eq(userTeams.teamId, sales.id))).toEqual([]);
    expect((await getUser({ ctx: env.ctx, id: lead.id })).teamIds).toEqual([]);
    expect((await getUser({ ctx: env.ctx, id: both.id })).teamIds).toEqual([other.id]);
    // The cached resolution forgot the team at once; the token that had only this team is revoked.
    expect(await resolveToken(env.database.db, shared.token)).toMatchObject({
      actor: { teamIds: [other.id] },
    });
    expect(await resolveToken(env.database.db, only.token)).toBeNull();
    const [revoked] = await env.database.db.select().from(apiTokens).where(eq(apiTokens.id, only.id));
    expect(revoked?.revokedAt).not.toBeNull();
    const [audit] = await env.database.db
      .select()
      .from(logs)
      .where(eq(logs.message, 'Team “Sales” deleted; 2 account(s) moved to the system level'));
    expect(audit?.context).toMatchObject({
      target: { type: 'team', id: sales.id, label: 'Sales' },
      teamAdminsWithoutTeam: ['lead@example.com'],
      revoked: ['sales only'],
    });
  });

  it('deletes an empty team at once', async () => {
    const empty = await createTeam({ ctx: env.ctx, input: { name: `Empty ${backend}` } });
    expect(await deleteTeam({ ctx: env.ctx, id: empty.id, input: {} })).toMatchObject({
      movedAccounts: 0,
      removedMembers: 0,
    });
    expect((await failure(deleteTeam({ ctx: env.ctx, id: empty.id, input: {} }))).code).toBe('not_found');
  });
});
