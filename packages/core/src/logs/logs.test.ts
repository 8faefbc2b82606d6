import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts';
import { createTeam } from '../auth';
import { logs } from '../db/schema';
import { MailroomError } from '../errors';
import { pruneRetention, startRetention } from '../retention';
import { logEntrySchema } from '../schemas/logs';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { queryLogs, writeLogs } from '.';

const T0 = new Date('2026-01-10T10:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

async function failure(p: Promise<unknown>): Promise<MailroomError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MailroomError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe.each(backends)('Main Log on %s', (backend) => {
  let env: TestEnv;
  let teamAccount: string;
  let otherAccount: string;
  let teamId: string;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    teamId = (await createTeam({ ctx: env.ctx, input: { name: 'Sales' } })).id;
    const otherTeam = (await createTeam({ ctx: env.ctx, input: { name: 'Support' } })).id;
    const out = (name: string, team: string) => ({
      name,
      teamId: team,
      outgoing: { transport: 'sendmail', from: { address: 'a@example.com' } },
    });
    teamAccount = (await createAccount({ ctx: env.ctx, input: out('Team box', teamId) })).id;
    otherAccount = (await createAccount({ ctx: env.ctx, input: out('Other box', otherTeam) })).id;
    // Creating the teams wrote their audit rows; these tests count the rows they insert below.
    await env.database.db.delete(logs);
    await env.database.db.insert(logs).values([
      {
        at: minutes(0),
        source: 'smtp_auth',
        level: 'info',
        message: 'AUTH PLAIN ok for sales@example.com',
        accountId: teamAccount,
        actor: 'alice@test',
      },
      {
        at: minutes(1),
        source: 'smtp_auth',
        level: 'error',
        message: 'AUTH failed: 535 5.7.8 bad credentials',
        accountId: teamAccount,
        actor: 'alice@test',
      },
      {
        at: minutes(2),
        source: 'email_logger',
        level: 'error',
        message: 'delivery failed 100%_sure',
        accountId: otherAccount,
        actor: 'system',
      },
      {
        at: minutes(3),
        source: 'queue',
        level: 'warning',
        message: 'deferred 421',
        accountId: null,
        actor: 'system',
      },
      {
        at: minutes(4),
        source: 'connection_test',
        level: 'info',
        message: 'Outgoing test passed',
        accountId: otherAccount,
        actor: 'bob@test',
      },
    ]);
  });
  afterAll(async () => {
    await env?.close();
  });

  const ids = async (input: Record<string, unknown>, ctx = env.ctx) =>
    (await queryLogs({ ctx, input })).items.map((i) => i.message);

  it('lists newest first, paginated, in the shared shape', async () => {
    const page = await queryLogs({ ctx: env.ctx, input: { pageSize: 2, since: T0.toISOString() } });
    expect(page.total).toBe(5);
    expect(page.items.map((i) => i.message)).toEqual(['Outgoing test passed', 'deferred 421']);
    for (const item of page.items) logEntrySchema.parse(item);
    const page3 = await queryLogs({ ctx: env.ctx, input: { pageSize: 2, page: 3, since: T0.toISOString() } });
    expect(page3.items.map((i) => i.message)).toEqual(['AUTH PLAIN ok for sales@example.com']);
  });

  it('filters by every field, time range and text', async () => {
    const since = T0.toISOString();
    expect(await ids({ since, source: 'smtp_auth', level: 'error' })).toEqual([
      'AUTH failed: 535 5.7.8 bad credentials',
    ]);
    expect(await ids({ since, accountId: otherAccount })).toHaveLength(2);
    expect(await ids({ since, actor: 'bob@test' })).toEqual(['Outgoing test passed']);
    expect(await ids({ since: minutes(1).toISOString(), until: minutes(2).toISOString() })).toEqual([
      'delivery failed 100%_sure',
      'AUTH failed: 535 5.7.8 bad credentials',
    ]);
    expect(await ids({ since, q: 'auth' })).toHaveLength(2);
    // LIKE wildcards in the text are literal.
    expect(await ids({ since, q: '%_' })).toEqual(['delivery failed 100%_sure']);
    expect(await ids({ since, q: '_' })).toEqual(['delivery failed 100%_sure']);
  });

  it('applies the condition builder with all/any, nesting and every operator', async () => {
    const since = T0.toISOString();
    const filter = {
      all: [
        { field: 'level', op: 'eq', value: 'error' },
        {
          any: [
            { field: 'source', op: 'eq', value: 'email_logger' },
            { field: 'message', op: 'contains', value: '535' },
          ],
        },
      ],
    };
    expect(await ids({ since, filter })).toHaveLength(2);
    expect(await ids({ since, filter: JSON.stringify(filter) })).toHaveLength(2);
    expect(
      await ids({
        since,
        filter: { all: [{ field: 'source', op: 'in', value: ['queue', 'connection_test'] }] },
      }),
    ).toEqual(['Outgoing test passed', 'deferred 421']);
    expect(
      await ids({ since, filter: { all: [{ field: 'actor', op: 'neq', value: 'system' }] } }),
    ).toHaveLength(3);
    expect(
      await ids({
        since,
        filter: {
          all: [
            { field: 'at', op: 'gte', value: minutes(3).toISOString() },
            { field: 'at', op: 'lte', value: minutes(4).toISOString() },
          ],
        },
      }),
    ).toEqual(['Outgoing test passed', 'deferred 421']);
  });

  it('treats hostile filter values as data, never as SQL', async () => {
    const since = T0.toISOString();
    expect(
      await ids({ since, filter: { all: [{ field: 'message', op: 'eq', value: "x' or '1'='1" }] } }),
    ).toEqual([]);
    expect(await ids({ since, q: "'; drop table logs; --" })).toEqual([]);
    expect((await queryLogs({ ctx: env.ctx, input: { since } })).total).toBe(5);
  });

  it('names the field of a bad filter', async () => {
    const notJson = await failure(queryLogs({ ctx: env.ctx, input: { filter: '{nope' } }));
    expect(notJson.errors?.[0]?.path).toBe('filter');
    const badOp = await failure(
      queryLogs({ ctx: env.ctx, input: { filter: { all: [{ field: 'level', op: 'like', value: 'x' }] } } }),
    );
    expect(badOp.code).toBe('validation_failed');
    expect(badOp.errors?.[0]?.path).toMatch(/^filter/);
    const badIn = await failure(
      queryLogs({ ctx: env.ctx, input: { filter: { any: [{ field: 'level', op: 'in', value: 'error' }] } } }),
    );
    expect(badIn.errors?.[0]?.path).toBe('filter.any.0.value');
    const badDate = await failure(
      queryLogs({
        ctx: env.ctx,
        input: { filter: { all: [{ field: 'at', op: 'gte', value: 'yesterday' }] } },
      }),
    );
    expect(badDate.errors?.[0]?.path).toBe('filter.all.0.value');
  });

  it('refuses filters deeper than 8 groups or with more than 100 items, as JSON text or as objects', async () => {
    const level = { field: 'level', op: 'eq', value: 'error' } as const;
    const nest = (depth: number) => {
      let group: unknown = level;
      for (let i = 0; i < depth; i++) group = { all: [group] };
      return group;
    };
    // Deep enough to overflow the call stack of a recursive parse; refused before one runs.
    const deepText = `${'{"all":['.repeat(10_000)}${JSON.stringify(level)}${']}'.repeat(10_000)}`;
    for (const filter of [nest(10_000), deepText, nest(9)]) {
      const e = await failure(queryLogs({ ctx: env.ctx, input: { filter } }));
      expect(e.errors).toEqual([{ path: 'filter', message: 'is nested deeper than 8 levels' }]);
    }
    const wide = { any: [0, 1, 2].map(() => ({ all: Array.from({ length: 33 }, () => level) })) };
    const tooMany = await failure(queryLogs({ ctx: env.ctx, input: { filter: wide } }));
    expect(tooMany.errors).toEqual([{ path: 'filter', message: 'has more than 100 conditions and groups' }]);
    // At the limits, a filter still runs: 8 levels, and 100 items (3 groups + 97 conditions).
    expect((await queryLogs({ ctx: env.ctx, input: { filter: nest(8) } })).items).toBeDefined();
    const full = { any: [32, 32, 33].map((n) => ({ all: Array.from({ length: n }, () => level) })) };
    expect((await queryLogs({ ctx: env.ctx, input: { filter: full } })).items).toBeDefined();
  });

  it("filters by team through the rows' accounts: a team's, the system's, and none for a team with no account", async () => {
    const since = T0.toISOString();
    const team = await queryLogs({ ctx: env.ctx, input: { since, teamId } });
    expect(team.total).toBe(2);
    expect(team.items.every((i) => i.accountId === teamAccount)).toBe(true);
    const system = await queryLogs({ ctx: env.ctx, input: { since, teamId: 'system' } });
    expect(system.items.every((i) => i.accountId === null)).toBe(true);
    // A team with no account (a new one): no row, found without reading the log.
    const none = await queryLogs({ ctx: env.ctx, input: { since, teamId: 'team-with-no-account' } });
    expect({ total: none.total, items: none.items }).toEqual({ total: 0, items: [] });
  });

  it("shows a team admin only their own teams' account logs", async () => {
    const teamAdmin = env.as({ role: 'team_admin', teamIds: [teamId], label: 'lead@test' });
    const seen = await queryLogs({ ctx: teamAdmin, input: { since: T0.toISOString() } });
    expect(seen.total).toBe(2);
    expect(seen.items.every((i) => i.accountId === teamAccount)).toBe(true);
    const none = env.as({ role: 'team_admin', teamIds: [], label: 'x@test' });
    expect((await queryLogs({ ctx: none, input: { since: T0.toISOString() } })).total).toBe(0);
  });

  it('writes batches with secrets redacted, clear and base64', async () => {
    const secret = 'batch-secret-123';
    await writeLogs(
      env.ctx.db,
      env.ctx.actor,
      [
        {
          source: 'outgoing',
          level: 'debug',
          message: `C: AUTH PLAIN ${Buffer.from(`\0u\0${secret}`).toString('base64')}`,
          accountId: teamAccount,
        },
        {
          source: 'outgoing',
          level: 'debug',
          message: `S: echo ${secret} ${Buffer.from(secret).toString('base64')}`,
          accountId: teamAccount,
          // Under a harmless key, as a server reply in a connection step's detail: masked by value.
          context: {
            password: secret,
            detail: { reply: `535 ${secret}`, raw: [Buffer.from(secret).toString('base64')] },
          },
        },
      ],
      [secret],
    );
    const page = await queryLogs({ ctx: env.ctx, input: { source: 'outgoing', level: 'debug' } });
    const dump = JSON.stringify(page);
    expect(page.total).toBe(2);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(Buffer.from(secret).toString('base64'));
    expect(page.items.every((i) => i.actor === 'admin@test')).toBe(true);
    expect(page.items.find((i) => i.message.startsWith('S: echo'))?.context).toEqual({
      password: '*****',
      detail: { reply: '535 *****', raw: ['*****'] },
    });
  });

  it('prunes rows older than the retention', async () => {
    const later = { ...env.ctx, now: () => new Date(minutes(2).getTime() + 30 * 86_400_000) };
    const r = await pruneRetention(later);
    expect(r.removed.logs).toBe(2);
    expect((await queryLogs({ ctx: env.ctx, input: { since: T0.toISOString() } })).total).toBe(3 + 2);
  });

  it('runs retention as a background job that prunes at start and records what it removed', async () => {
    await env.database.db.insert(logs).values({
      at: new Date(Date.now() - 90 * 86_400_000),
      source: 'queue',
      level: 'info',
      message: 'ancient row',
    });
    const job = startRetention({ base: env.base, intervalMs: 60_000 });
    await job.idle();
    await job.stop();
    expect(
      (await queryLogs({ ctx: env.ctx, input: { q: 'ancient row', since: '2000-01-01T00:00:00Z' } })).total,
    ).toBe(0);
    const retention = await queryLogs({
      ctx: env.ctx,
      input: { source: 'email_logger', q: 'Retention removed' },
    });
    expect(retention.items[0]).toMatchObject({ actor: 'system', level: 'info' });
  });
});
