import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../auth';
import { getDefaults, setDefault } from '../defaults';
import { MailroomError } from '../errors';
import { explainRoute } from '../routing';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { changeStage, createAccount, getAccount, listAccounts, listTimeline, updateAccount } from '.';

const PASSWORD = 'hunter2-very-secret';

const smtpInput = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  outgoing: {
    transport: 'smtp',
    host: 'smtp.example.com',
    security: 'starttls',
    auth: { method: 'password', username: 'sales@example.com', password: PASSWORD },
    from: { address: 'sales@example.com', name: 'Sales' },
    fromFilter: ['sales@example.com', 'example.org'],
    ...extra,
  },
});

async function failure(p: Promise<unknown>): Promise<MailroomError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MailroomError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe.each(backends)('accounts on %s', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('creates an SMTP account, fills the port from security, and never returns the password', async () => {
    const view = await createAccount({ ctx: env.ctx, input: smtpInput('Sales outbound') });
    expect(view.stage).toBe('active');
    expect(view.outgoing).toMatchObject({
      transport: 'smtp',
      port: 587,
      auth: { method: 'password', hasPassword: true },
    });
    expect(JSON.stringify(view)).not.toContain(PASSWORD);
    const again = await getAccount({ ctx: env.ctx, id: view.id });
    expect(JSON.stringify(again)).not.toContain(PASSWORD);
  });

  it('stores no plaintext secret anywhere in the database', async () => {
    const rowsOf = (r: unknown) =>
      (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<Record<string, string>>;
    const tablesInDb = rowsOf(
      await env.database.db.execute(
        sql`select table_name from information_schema.tables where table_schema = 'public'`,
      ),
    ).map((t) => t.table_name!);
    expect(tablesInDb).toEqual(expect.arrayContaining(['accounts', 'account_events', 'logs']));
    let dump = '';
    for (const table of tablesInDb) {
      const r = await env.database.db.execute(sql.raw(`select row_to_json(t)::text as j from "${table}" t`));
      dump += rowsOf(r)
        .map((x) => x.j)
        .join('\n');
    }
    expect(dump).toContain('mr1:test:');
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  });

  it.each([
    [{ ...smtpInput('x'), name: '' }, 'name'],
    [smtpInput('Port zero', { port: 0 }), 'outgoing.port'],
    [
      smtpInput('CRLF', { from: { address: 'a@example.com', name: 'Evil\r\nBcc: x@y.z' } }),
      'outgoing.from.name',
    ],
    [smtpInput('Bad security', { security: 'ssl3' }), 'outgoing.security'],
    [smtpInput('Bad host', { host: 'not a host!' }), 'outgoing.host'],
    [smtpInput('Bad from', { from: { address: 'nope' } }), 'outgoing.from.address'],
  ])('rejects bad input naming the field (%#)', async (input, path) => {
    const before = await listAccounts({ ctx: env.ctx, input: { stage: 'all' } });
    const err = await failure(createAccount({ ctx: env.ctx, input }));
    expect(err.code).toBe('validation_failed');
    expect(err.errors?.map((e) => e.path)).toContain(path);
    const after = await listAccounts({ ctx: env.ctx, input: { stage: 'all' } });
    expect(after.total).toBe(before.total);
  });

  it('keeps names unique among live accounts, ignoring case', async () => {
    const err = await failure(createAccount({ ctx: env.ctx, input: smtpInput('SALES OUTBOUND') }));
    expect(err.code).toBe('name_taken');
    expect(err.errors?.[0]?.path).toBe('name');
  });

  it('requires the password again when the host changes, and keeps it otherwise', async () => {
    const acc = await createAccount({ ctx: env.ctx, input: smtpInput('Moving') });
    const err = await failure(
      updateAccount({ ctx: env.ctx, id: acc.id, input: { outgoing: { host: 'evil.example.net' } } }),
    );
    expect(err.code).toBe('secret_required');
    expect(err.errors?.[0]?.path).toBe('outgoing.auth.password');
    const renamed = await updateAccount({
      ctx: env.ctx,
      id: acc.id,
      input: { outgoing: { from: { address: 'sales@example.com', name: 'Sales team' } } },
    });
    expect(renamed.outgoing?.transport === 'smtp' && renamed.outgoing.auth).toMatchObject({
      hasPassword: true,
    });
    const moved = await updateAccount({
      ctx: env.ctx,
      id: acc.id,
      input: {
        outgoing: {
          host: 'smtp2.example.com',
          auth: { method: 'password', username: 'u', password: 'new-secret' },
        },
      },
    });
    expect(moved.outgoing).toMatchObject({ host: 'smtp2.example.com' });
    const cleared = await updateAccount({
      ctx: env.ctx,
      id: acc.id,
      input: { outgoing: { auth: { method: 'none' } } },
    });
    expect(cleared.outgoing?.transport === 'smtp' && cleared.outgoing.auth).toEqual({ method: 'none' });
    const timeline = await listTimeline({ ctx: env.ctx, id: acc.id });
    expect(timeline.map((e) => e.type)).toEqual(['updated', 'updated', 'updated', 'created']);
    expect(JSON.stringify(timeline)).not.toContain('new-secret');
  });

  it('requires stored secrets again when they would go to another token URL or over a weaker connection', async () => {
    const oauth = await createAccount({
      ctx: env.ctx,
      input: smtpInput('OAuth mover', {
        auth: {
          method: 'oauth2',
          username: 'ops@example.com',
          clientId: 'client-1',
          clientSecret: 'client-secret-123',
          refreshToken: 'refresh-token-123',
          tokenUrl: 'https://login.example.com/token',
        },
      }),
    });
    const stolen = await failure(
      updateAccount({
        ctx: env.ctx,
        id: oauth.id,
        input: { outgoing: { auth: { tokenUrl: 'https://attacker.example.net/steal' } } },
      }),
    );
    expect(stolen.code).toBe('secret_required');
    expect(stolen.errors?.map((e) => e.path).sort()).toEqual([
      'outgoing.auth.clientSecret',
      'outgoing.auth.refreshToken',
    ]);

    const tls = await createAccount({ ctx: env.ctx, input: smtpInput('Downgrade') });
    const downgrade = await failure(
      updateAccount({ ctx: env.ctx, id: tls.id, input: { outgoing: { security: 'none' } } }),
    );
    expect(downgrade.errors?.[0]?.path).toBe('outgoing.auth.password');
    const insecure = await failure(
      updateAccount({ ctx: env.ctx, id: tls.id, input: { outgoing: { allowInvalidCertificates: true } } }),
    );
    expect(insecure.code).toBe('secret_required');
    // Switching to a transport that uses no password simply drops it.
    const sendmail = await updateAccount({
      ctx: env.ctx,
      id: tls.id,
      input: { outgoing: { transport: 'sendmail', from: { address: 'sales@example.com' } } },
    });
    expect(sendmail.outgoing).toMatchObject({ transport: 'sendmail', path: '/usr/sbin/sendmail' });
  });

  it('rejects an OAuth2 token URL that is not https', async () => {
    const err = await failure(
      createAccount({
        ctx: env.ctx,
        input: smtpInput('Plain token', {
          auth: {
            method: 'oauth2',
            username: 'u',
            clientId: 'c',
            refreshToken: 'r-123',
            tokenUrl: 'http://login.example.com/token',
          },
        }),
      }),
    );
    expect(err.errors?.[0]?.path).toBe('outgoing.auth.tokenUrl');
  });

  it('moves through stages, rejects a restore of an active account, and frees the name on delete', async () => {
    const acc = await createAccount({ ctx: env.ctx, input: smtpInput('Staged') });
    const bad = await failure(
      changeStage({ ctx: env.ctx, id: acc.id, input: { stage: 'inactive' } }).then(() =>
        changeStage({ ctx: env.ctx, id: acc.id, input: { stage: 'inactive' } }),
      ),
    );
    expect(bad.code).toBe('invalid_transition');
    await changeStage({ ctx: env.ctx, id: acc.id, input: { stage: 'deleted', reason: 'duplicate' } });
    const twin = await createAccount({ ctx: env.ctx, input: smtpInput('Staged') });
    const blocked = await failure(changeStage({ ctx: env.ctx, id: acc.id, input: { stage: 'inactive' } }));
    expect(blocked.code).toBe('name_taken');
    await changeStage({ ctx: env.ctx, id: twin.id, input: { stage: 'deleted' } });
    const restored = await changeStage({
      ctx: env.ctx,
      id: acc.id,
      input: { stage: 'inactive', reason: 'needed after all' },
    });
    expect(restored.stage).toBe('inactive');
    const events = await listTimeline({ ctx: env.ctx, id: acc.id });
    expect(events.filter((e) => e.type === 'stage_changed').map((e) => e.summary)).toEqual([
      'Restored: needed after all',
      'Deleted: duplicate',
      'Deactivated',
    ]);
  });

  it('allows one default per scope, explains routing, and drops the default when deactivated', async () => {
    const a = await createAccount({ ctx: env.ctx, input: smtpInput('Default A', { fromFilter: [] }) });
    const b = await createAccount({
      ctx: env.ctx,
      input: smtpInput('Default B', { fromFilter: [], from: { address: 'b@example.net' } }),
    });
    await setDefault({ ctx: env.ctx, input: { teamId: null, direction: 'outgoing', accountId: a.id } });
    const conflict = await failure(
      setDefault({ ctx: env.ctx, input: { teamId: null, direction: 'outgoing', accountId: b.id } }),
    );
    expect(conflict.code).toBe('default_exists');
    const noIncoming = await failure(
      setDefault({ ctx: env.ctx, input: { teamId: null, direction: 'incoming', accountId: b.id } }),
    );
    expect(noIncoming.code).toBe('account_not_usable');

    const viaDefault = await explainRoute({ ctx: env.ctx, input: { from: 'nobody@elsewhere.test' } });
    expect(viaDefault).toMatchObject({ accountId: a.id, reason: 'system_default' });
    const exact = await explainRoute({ ctx: env.ctx, input: { from: 'b@example.net' } });
    expect(exact).toMatchObject({ accountId: b.id, reason: 'from_filter_exact' });

    await changeStage({ ctx: env.ctx, id: a.id, input: { stage: 'inactive' } });
    expect(
      (await getDefaults({ ctx: env.ctx })).filter((d) => d.teamId === null && d.direction === 'outgoing'),
    ).toEqual([]);
    const inactive = await failure(
      setDefault({ ctx: env.ctx, input: { teamId: null, direction: 'outgoing', accountId: a.id } }),
    );
    expect(inactive.code).toBe('account_not_usable');
  });

  it('ends defaults that no longer fit when an account changes team or loses its outgoing part', async () => {
    const team = await createTeam({ ctx: env.ctx, input: { name: `Movers ${backend}` } });
    const sys = await createAccount({ ctx: env.ctx, input: smtpInput('Mover', { fromFilter: [] }) });
    await setDefault({
      ctx: env.ctx,
      input: { teamId: null, direction: 'outgoing', accountId: sys.id, replace: true },
    });
    await updateAccount({ ctx: env.ctx, id: sys.id, input: { teamId: team.id } });
    expect((await getDefaults({ ctx: env.ctx })).some((d) => d.accountId === sys.id)).toBe(false);
    expect((await explainRoute({ ctx: env.ctx, input: { from: 'x@nowhere.test' } })).accountId).not.toBe(
      sys.id,
    );

    await setDefault({ ctx: env.ctx, input: { teamId: team.id, direction: 'outgoing', accountId: sys.id } });
    await updateAccount({
      ctx: env.ctx,
      id: sys.id,
      input: {
        outgoing: null,
        incoming: {
          protocol: 'imap',
          host: 'imap.example.com',
          auth: { method: 'password', username: 'u', password: 'p-123' },
        },
      },
    });
    expect((await getDefaults({ ctx: env.ctx })).some((d) => d.accountId === sys.id)).toBe(false);
    const events = await listTimeline({ ctx: env.ctx, id: sys.id });
    expect(events.filter((e) => e.type === 'default_cleared').map((e) => e.summary)).toEqual([
      'No longer the outgoing default of its former team: it has no outgoing settings any more',
      'No longer the outgoing default of the system: it moved to another team',
    ]);
  });

  it('lets only one of two simultaneous first defaults win', async () => {
    const team = await createTeam({ ctx: env.ctx, input: { name: `Race ${backend}` } });
    const a = await createAccount({
      ctx: env.ctx,
      input: { ...smtpInput('Race A', { fromFilter: [] }), teamId: team.id },
    });
    const b = await createAccount({
      ctx: env.ctx,
      input: { ...smtpInput('Race B', { fromFilter: [] }), teamId: team.id },
    });
    const results = await Promise.allSettled(
      [a, b].map((acc) =>
        setDefault({ ctx: env.ctx, input: { teamId: team.id, direction: 'outgoing', accountId: acc.id } }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'default_exists' });
  });

  it('limits viewers and team admins', async () => {
    const red = await createTeam({ ctx: env.ctx, input: { name: 'Red' } });
    const blue = await createTeam({ ctx: env.ctx, input: { name: 'Blue' } });
    const blueAcc = await createAccount({
      ctx: env.ctx,
      input: { ...smtpInput('Blue mail'), teamId: blue.id },
    });
    const viewer = env.as({ role: 'viewer', label: 'viewer@test' });
    expect((await failure(createAccount({ ctx: viewer, input: smtpInput('Nope') }))).code).toBe('forbidden');
    const redAdmin = env.as({ role: 'team_admin', teamIds: [red.id], label: 'red@test' });
    expect((await failure(getAccount({ ctx: redAdmin, id: blueAcc.id }))).code).toBe('not_found');
    expect(
      (await failure(updateAccount({ ctx: redAdmin, id: blueAcc.id, input: { label: 'x' } }))).code,
    ).toBe('not_found');
    const list = await listAccounts({ ctx: redAdmin, input: {} });
    expect(list.items.map((i) => i.id)).not.toContain(blueAcc.id);
    expect((await failure(explainRoute({ ctx: redAdmin, input: { teamId: blue.id } }))).code).toBe(
      'not_found',
    );
    const explained = await explainRoute({ ctx: redAdmin, input: { from: 'sales@example.com' } });
    expect(explained.candidates.map((c) => c.accountId)).not.toContain(blueAcc.id);
    const own = await createAccount({ ctx: redAdmin, input: { ...smtpInput('Red mail'), teamId: red.id } });
    expect(own.teamId).toBe(red.id);
    expect((await failure(createAccount({ ctx: redAdmin, input: smtpInput('Red system') }))).code).toBe(
      'forbidden',
    );
  });

  it('lists with search, filters, sort and pagination', async () => {
    const page = await listAccounts({ ctx: env.ctx, input: { q: 'default', sort: '-name', pageSize: 1 } });
    expect(page.total).toBe(2);
    expect(page.items[0]?.name).toBe('Default B');
    const inactive = await listAccounts({ ctx: env.ctx, input: { stage: 'inactive' } });
    expect(inactive.items.every((i) => i.stage === 'inactive')).toBe(true);
  });
});
