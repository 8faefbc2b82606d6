import { getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { login } from '../auth/sessions/login';
import { createToken } from '../auth/tokens/createToken';
import { resolveToken } from '../auth/tokens/resolveToken';
import { createUser } from '../auth/users/createUser';
import { createContext } from '../context';
import { setDefault } from '../defaults';
import { queryLogs } from '../logs';
import { claimBatch } from '../outbox/claimBatch';
import { sendMessage } from '../outbox/sendMessage';
import { createTestEnv, type TestEnv } from '../testing';
import { CopyRefused, copyDatabase, tablesInDependencyOrder } from './copyDatabase';
import * as schema from './schema';
import { accounts, logs, messages } from './schema';

const allTables = () =>
  (Object.values(schema) as unknown[])
    .filter((v): v is PgTable => is(v, PgTable))
    .map((t) => getTableName(t))
    .sort();

describe('copying the embedded database into Postgres', () => {
  let from: TestEnv;
  let to: TestEnv;
  beforeEach(async () => {
    from = await createTestEnv('pglite');
    to = await createTestEnv('postgres');
  });
  afterEach(async () => {
    await from.close();
    await to.close();
  });

  it('orders every table of the schema after the tables it refers to', () => {
    const order = tablesInDependencyOrder().map((t) => getTableName(t));
    expect([...order].sort()).toEqual(allTables());
    expect(order.indexOf('accounts')).toBeLessThan(order.indexOf('account_events'));
    expect(order.indexOf('teams')).toBeLessThan(order.indexOf('accounts'));
    expect(order.indexOf('messages')).toBeLessThan(order.indexOf('message_attempts'));
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('sessions'));
  });

  it('copies every table with the same counts, secrets still encrypted, sequences past the copied ids', async () => {
    const account = await createAccount({
      ctx: from.ctx,
      input: {
        name: 'Copied',
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: 2525,
          security: 'none',
          auth: { method: 'password', username: 'u', password: 'the-smtp-password' },
          from: { address: 'sender@example.com' },
          sendMode: 'queued',
        },
      },
    });
    await setDefault({
      ctx: from.ctx,
      input: { teamId: null, direction: 'outgoing', accountId: account.id },
    });
    const user = await createUser({
      ctx: from.ctx,
      input: {
        email: 'ops@example.com',
        name: 'Ops',
        password: 'a long enough password',
        role: 'admin',
        teamIds: [],
      },
    });
    await login(from.ctx.db, { email: 'ops@example.com', password: 'a long enough password' });
    const asUser = createContext(from.base, { ...from.ctx.actor, userId: user.id, label: user.email });
    const { token } = await createToken({ ctx: asUser, input: { name: 'integrator', role: 'admin' } });
    // More than a batch, so keyset batches are crossed; some left leased by a "dead" worker.
    for (let i = 0; i < 620; i++) {
      await sendMessage({
        ctx: from.ctx,
        input: { accountId: account.id, to: [`r${i}@example.org`], subject: `m ${i}`, text: 'x' },
      });
    }
    await claimBatch({ ctx: from.ctx, input: { workerId: 'dead', limit: 5, leaseMs: 3_600_000 } });
    await from.ctx.log({ source: 'queue', level: 'info', message: 'before the copy' });

    const seen: string[] = [];
    const report = await copyDatabase({
      from: from.base.db,
      to: to.base.db,
      onTable: (t) => seen.push(t.table),
    });
    expect(report.tables.map((t) => t.table).sort()).toEqual(allTables());
    expect(seen).toEqual(report.tables.map((t) => t.table));
    expect(report.tables.every((t) => t.source === t.target)).toBe(true);
    expect(report.unknownTables).toEqual([]);
    expect(report.sequences).toContain('logs.id');
    const count = (name: string) => report.tables.find((t) => t.table === name)?.target;
    expect(count('messages')).toBe(620);
    expect(count('users')).toBe(1);
    expect(count('sessions')).toBe(1);
    expect(count('api_tokens')).toBe(1);
    expect(count('account_defaults')).toBe(1);

    // The ciphertext is the same; the target reads it with the same key.
    const [a] = await from.ctx.db.select().from(accounts);
    const [b] = await to.ctx.db.select().from(accounts);
    expect(b!.secrets).toEqual(a!.secrets);
    expect(Object.values(b!.secrets)[0]).not.toContain('the-smtp-password');
    expect(from.base.secrets.decrypt(Object.values(b!.secrets)[0]!)).toBe('the-smtp-password');
    // Tokens and their users work there; the Main Log goes on after the copied ids.
    expect(await resolveToken(to.base.db, token)).not.toBeNull();
    await to.ctx.log({ source: 'queue', level: 'info', message: 'after the copy' });
    const log = await queryLogs({ ctx: to.ctx, input: { source: 'queue', q: 'the copy' } });
    expect(log.items.map((r) => r.message).sort()).toEqual(['after the copy', 'before the copy']);
    const [maxId] = await to.ctx.db.select({ n: sql<number>`max(${logs.id})::int` }).from(logs);
    expect(maxId!.n).toBeGreaterThan(0);
    // Leases of the stopped process are released in the copy: the next claim takes them at once.
    const claimed = await claimBatch({
      ctx: to.ctx,
      input: { workerId: 'new', limit: 1000, leaseMs: 60_000 },
    });
    expect(claimed).toHaveLength(620);
    expect(await to.ctx.db.select({ id: messages.id }).from(messages)).toHaveLength(620);
  });

  it('refuses a target with rows unless forced, and then replaces them', async () => {
    await to.ctx.log({ source: 'queue', level: 'info', message: 'already here' });
    await from.ctx.log({ source: 'queue', level: 'info', message: 'from the embedded database' });
    const refused = await copyDatabase({ from: from.base.db, to: to.base.db }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CopyRefused);
    expect((refused as Error).message).toMatch(/not empty \(rows in logs\).*--force/);
    // Nothing was written.
    const before = await queryLogs({ ctx: to.ctx, input: {} });
    expect(before.items.map((r) => r.message)).toEqual(['already here']);

    await copyDatabase({ from: from.base.db, to: to.base.db, force: true });
    const after = await queryLogs({ ctx: to.ctx, input: {} });
    expect(after.items.map((r) => r.message)).toContain('from the embedded database');
    expect(after.items.map((r) => r.message)).not.toContain('already here');
  });
});
