import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, getAccount, listTimeline, updateAccount } from '../accounts';
import { MailroomError } from '../errors';
import { queryLogs } from '../logs';
import { connectionTestResultSchema } from '../schemas/connection';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { testAccount, testConnection } from '.';
import { fakeSmtp, startServer, type TestServer } from './testkit';

const PASSWORD = 'Verb-Secret-pw-42';
const B64 = Buffer.from(PASSWORD).toString('base64');
const PLAIN_B64 = Buffer.from(`\0sales@example.com\0${PASSWORD}`).toString('base64');
const users = { 'sales@example.com': PASSWORD };

async function failure(p: Promise<unknown>): Promise<MailroomError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MailroomError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

async function dump(env: TestEnv): Promise<string> {
  const r = await env.database.db.execute(
    sql`select (select coalesce(json_agg(l), '[]') from logs l)::text || (select coalesce(json_agg(e), '[]') from account_events e)::text as j`,
  );
  const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ j: string }>;
  return rows.map((x) => x.j).join('\n');
}

describe.each(backends)('connection test verbs on %s', (backend) => {
  let env: TestEnv;
  let server: TestServer;
  const smtp = (port: number, password: string | null = PASSWORD) => ({
    transport: 'smtp',
    host: '127.0.0.1',
    port,
    security: 'none',
    auth: { method: 'password', username: 'sales@example.com', ...(password === null ? {} : { password }) },
    from: { address: 'sales@example.com' },
  });
  beforeAll(async () => {
    env = await createTestEnv(backend, { timeouts: { connectMs: 1000, greetingMs: 500, commandMs: 1000 } });
    server = await startServer(fakeSmtp({ users }));
  });
  afterAll(async () => {
    await server?.close();
    await env?.close();
  });
  afterEach(() => {});

  it('tests a saved account: steps in the result, health ok, timeline event, log rows, no password anywhere', async () => {
    const acc = await createAccount({
      ctx: env.ctx,
      input: { name: `Sales ${backend}`, outgoing: smtp(server.port) },
    });
    const result = await testAccount({ ctx: env.ctx, id: acc.id, input: { direction: 'outgoing' } });
    connectionTestResultSchema.parse(result);
    expect(result.ok).toBe(true);
    const view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.health).toBe('ok');
    expect(view.lastTest.outgoing).toMatchObject({ direction: 'outgoing', ok: true });
    const timeline = await listTimeline({ ctx: env.ctx, id: acc.id });
    expect(JSON.stringify(timeline)).toContain('Outgoing connection test passed');
    const logs = await queryLogs({ ctx: env.ctx, input: { accountId: acc.id } });
    expect(logs.items.map((l) => l.source)).toEqual(expect.arrayContaining(['connection_test', 'smtp_auth']));
    expect(logs.items.find((l) => l.source === 'smtp_auth')?.message).toMatch(
      /SMTP authentication as sales@example.com succeeded \(PLAIN\)/,
    );
    expect(logs.items.some((l) => l.level === 'debug')).toBe(false);
    expect(logs.items.every((l) => l.actor === 'admin@test')).toBe(true);
  });

  it('marks a refused login auth_failed and logs it under smtp_auth', async () => {
    const acc = await createAccount({
      ctx: env.ctx,
      input: { name: `Wrong ${backend}`, outgoing: smtp(server.port, 'wrong-password-x') },
    });
    const result = await testAccount({ ctx: env.ctx, id: acc.id, input: { direction: 'outgoing' } });
    expect(result.error?.code).toBe('auth');
    const view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.health).toBe('auth_failed');
    expect(view.healthReason).toContain('refused the username or password');
    expect(view.lastTest.outgoing).toMatchObject({ ok: false, errorCode: 'auth' });
    const auth = await queryLogs({ ctx: env.ctx, input: { accountId: acc.id, source: 'smtp_auth' } });
    expect(auth.items[0]).toMatchObject({ level: 'error' });
    expect(auth.items[0]?.message).toContain('failed');
  });

  it("keeps a failed TLS handshake's OpenSSL line as the saved last test's detail, under the sentence, redacted", async () => {
    // Implicit TLS to a plain SMTP port: OpenSSL says "…:SSL routines:ssl3_get_record:wrong version
    // number:…". The password is a word of that line: the stored line must be the redacted one.
    const secret = 'ssl3_get_record';
    const acc = await createAccount({
      ctx: env.ctx,
      input: {
        name: `TLS ${backend}`,
        outgoing: { ...smtp(server.port, secret), security: 'tls' },
      },
    });
    const result = await testAccount({ ctx: env.ctx, id: acc.id, input: { direction: 'outgoing' } });
    expect(result.error?.code).toBe('tls');
    const view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.lastTest.outgoing).toMatchObject({
      ok: false,
      errorCode: 'tls',
      message: expect.stringMatching(/^The server did not answer in TLS/),
      detail: expect.stringMatching(/SSL routines.*wrong version number/),
    });
    expect(JSON.stringify(view)).not.toContain(secret);
  });

  it('writes the redacted transcript at debug level when the account has debug on', async () => {
    const acc = await createAccount({
      ctx: env.ctx,
      input: { name: `Debug ${backend}`, debug: true, outgoing: smtp(server.port) },
    });
    await testAccount({ ctx: env.ctx, id: acc.id, input: { direction: 'outgoing' } });
    const debug = await queryLogs({
      ctx: env.ctx,
      input: { accountId: acc.id, level: 'debug', pageSize: 200 },
    });
    const lines = debug.items.map((l) => l.message);
    expect(lines).toContain('C: AUTH PLAIN *****');
    expect(lines.some((l) => l.startsWith('S: 235'))).toBe(true);
    expect(lines).toContain('C: RSET');
  });

  it('never stores the password, clear or base64, in logs or timeline', async () => {
    const all = await dump(env);
    expect(all.length).toBeGreaterThan(100);
    for (const form of [PASSWORD, B64, PLAIN_B64]) expect(all).not.toContain(form);
  });

  it('tests unsaved settings, reusing the stored password only while host and port are unchanged', async () => {
    const acc = await createAccount({
      ctx: env.ctx,
      input: { name: `Form ${backend}`, outgoing: smtp(server.port) },
    });
    const same = await testConnection({
      ctx: env.ctx,
      input: { accountId: acc.id, direction: 'outgoing', outgoing: smtp(server.port, null) },
    });
    expect(same.ok).toBe(true);
    const moved = await failure(
      testConnection({
        ctx: env.ctx,
        input: { accountId: acc.id, direction: 'outgoing', outgoing: smtp(server.port + 1, null) },
      }),
    );
    expect(moved.code).toBe('secret_required');
    expect(moved.errors).toEqual([
      { path: 'outgoing.auth.password', message: 're-enter the secret: the port changed' },
    ]);
    expect(moved.hint).toContain('Type the secret again');
    const cleared = await failure(
      testConnection({
        ctx: env.ctx,
        input: {
          accountId: acc.id,
          direction: 'outgoing',
          outgoing: {
            ...smtp(server.port, null),
            auth: { method: 'password', username: 'sales@example.com', password: null },
          },
        },
      }),
    );
    expect(cleared.errors?.[0]?.path).toBe('outgoing.auth.password');
    const none = await failure(
      testConnection({ ctx: env.ctx, input: { direction: 'outgoing', outgoing: smtp(server.port, null) } }),
    );
    expect(none.errors?.[0]?.path).toBe('outgoing.auth.password');
    // Nothing was ever stored for a form before its first Save: the hint does not say "again".
    expect(none.hint).toBe('Type the secret to test these settings.');
    // Unsaved settings never change the account.
    const before = await getAccount({ ctx: env.ctx, id: acc.id });
    await testConnection({
      ctx: env.ctx,
      input: { accountId: acc.id, direction: 'outgoing', outgoing: smtp(server.port, 'wrong-pw-typed') },
    });
    expect((await getAccount({ ctx: env.ctx, id: acc.id })).health).toBe(before.health);
  });

  it('says which part is missing and refuses viewers and other teams', async () => {
    const acc = await createAccount({
      ctx: env.ctx,
      input: { name: `Perm ${backend}`, outgoing: smtp(server.port) },
    });
    const noIncoming = await failure(
      testAccount({ ctx: env.ctx, id: acc.id, input: { direction: 'incoming' } }),
    );
    expect(noIncoming.errors?.[0]?.path).toBe('direction');
    const bad = await failure(testAccount({ ctx: env.ctx, id: acc.id, input: { direction: 'sideways' } }));
    expect(bad.errors?.[0]?.path).toBe('direction');
    const viewer = await failure(
      testAccount({
        ctx: env.as({ role: 'viewer', label: 'v@test' }),
        id: acc.id,
        input: { direction: 'outgoing' },
      }),
    );
    expect(viewer.code).toBe('forbidden');
    const noForm = await failure(testConnection({ ctx: env.ctx, input: { direction: 'incoming' } }));
    expect(noForm.errors?.[0]?.path).toBe('incoming');
  });

  it('tests unsaved settings only for those who may edit accounts', async () => {
    const input = { direction: 'outgoing', outgoing: smtp(server.port) };
    for (const actor of [
      { role: 'viewer' as const, label: 'v@test' },
      { role: 'team_admin' as const, label: 'no-team@test', teamIds: [] },
    ]) {
      const refused = await failure(testConnection({ ctx: env.as(actor), input }));
      expect(refused.code).toBe('forbidden');
    }
    const teamAdmin = env.as({ role: 'team_admin', label: 'ta@test', teamIds: ['some-team'] });
    expect((await testConnection({ ctx: teamAdmin, input })).ok).toBe(true);
  });

  it('reuses a stored password only on the terms PATCH keeps it: no plain text, no unchecked certificate', async () => {
    const acc = await createAccount({
      ctx: env.ctx,
      input: { name: `Terms ${backend}`, outgoing: { ...smtp(server.port), security: 'starttls' } },
    });
    for (const [change, why] of [
      [{ security: 'none' }, 'encryption was turned off'],
      [{ security: 'starttls', allowInvalidCertificates: true }, 'certificate checks were turned off'],
    ] as const) {
      const refused = await failure(
        testConnection({
          ctx: env.ctx,
          input: {
            accountId: acc.id,
            direction: 'outgoing',
            outgoing: { ...smtp(server.port, null), ...change },
          },
        }),
      );
      expect(refused.code).toBe('secret_required');
      expect(refused.errors).toEqual([
        { path: 'outgoing.auth.password', message: `re-enter the secret: ${why}` },
      ]);
    }
    // The same refusal PATCH gives for the same change.
    const patch = await failure(
      updateAccount({ ctx: env.ctx, id: acc.id, input: { outgoing: { security: 'none' } } }),
    );
    expect(patch.errors).toEqual([
      { path: 'outgoing.auth.password', message: 're-enter the secret: encryption was turned off' },
    ]);
  });

  it('blocks loopback when private hosts are not allowed, and records the failure as failing', async () => {
    const acc = await createAccount({
      ctx: env.ctx,
      input: { name: `Blocked ${backend}`, outgoing: smtp(server.port) },
    });
    const strict = { ...env.ctx, config: { ...env.ctx.config, allowPrivateHosts: false } };
    const result = await testAccount({ ctx: strict, id: acc.id, input: { direction: 'outgoing' } });
    expect(result.error?.code).toBe('blocked');
    const view = await getAccount({ ctx: env.ctx, id: acc.id });
    expect(view.health).toBe('failing');
    // Fixing the settings resets health to unknown until the next test.
    await updateAccount({
      ctx: env.ctx,
      id: acc.id,
      input: {
        outgoing: {
          port: server.port + 1,
          auth: { method: 'password', username: 'sales@example.com', password: PASSWORD },
        },
      },
    });
    expect((await getAccount({ ctx: env.ctx, id: acc.id })).health).toBe('unknown');
  });
});
