// Issue 16, "several processes on one Postgres": two API processes and two workers behave like one.
// Messages sent through both APIs are delivered exactly once (counted on the mock server by Message-ID),
// sessions work on either process, and a token revoked through one API is refused by the other on its
// next request. MAILROOM_MULTIPROCESS_COUNT sets how many messages (default 2,000 so the suite stays
// bounded on a loaded 2-core box; `bench/multiprocess.sh` runs it with 10,000).
import { openDatabase, tables } from '@mailroom/core';
import { createTestPgDatabase } from '@mailroom/core/testing';
import { startMockMailServer } from '@mailroom/mock-mailserver';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN,
  copiesById,
  deployment,
  type MailroomProcess,
  mockOutgoing,
  signIn,
  spawnMailroom,
  startApi,
  until,
  withToken,
} from './support';

const COUNT = Number(process.env.MAILROOM_MULTIPROCESS_COUNT ?? 2000);
const PER_REQUEST = 1000;

describe('two API processes and two workers on one Postgres', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  it(`deliver ${COUNT} messages sent through both APIs exactly once; revocation holds across processes`, async () => {
    const mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      imapPort: false,
      imapsPort: false,
      httpPort: false,
      maxMessages: COUNT + 1000,
    });
    cleanups.push(() => mock.close());
    const pg = await createTestPgDatabase();
    cleanups.push(() => pg.drop());
    const d = deployment({ url: pg.url, extra: { MAILROOM_WORKER_POLL_MS: '500' } });
    cleanups.push(d.remove);
    const procs: MailroomProcess[] = [];
    cleanups.push(async () => {
      for (const p of procs) await p.kill();
    });
    const apiA = await startApi(d.env, ['--no-worker', '--no-poller']);
    procs.push(apiA);
    const apiB = await startApi(d.env, ['--no-worker', '--no-poller']);
    procs.push(apiB);
    const workers = [spawnMailroom(['worker'], d.env), spawnMailroom(['worker'], d.env)];
    procs.push(...workers);
    for (const w of workers) await w.waitFor(/mailroom worker \S+ running on postgres/);

    // A session made on one process works on the other (sessions live in the database).
    const login = await fetch(`${apiA.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const me = await fetch(`${apiB.url}/api/v1/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);

    const a = await signIn(apiA.url);
    const b = await signIn(apiB.url);
    const account = await a('POST', '/accounts', {
      name: 'Mock',
      outgoing: mockOutgoing(mock.smtpPort),
    });
    expect(account.status).toBe(201);

    // Bulk requests alternate between the two APIs, two at a time.
    const requests = Math.ceil(COUNT / PER_REQUEST);
    for (let r = 0; r < requests; r += 2) {
      await Promise.all(
        [r, r + 1]
          .filter((i) => i < requests)
          .map(async (i) => {
            const size = Math.min(PER_REQUEST, COUNT - i * PER_REQUEST);
            const res = await (i % 2 === 0 ? a : b)('POST', '/messages/bulk', {
              accountId: account.body.id,
              subject: 'Shared {{n}}',
              text: 'x',
              recipients: Array.from({ length: size }, (_, k) => ({
                to: `r${i * PER_REQUEST + k}@example.org`,
                variables: { n: String(i * PER_REQUEST + k) },
              })),
            });
            expect(res.status).toBe(202);
          }),
      );
    }

    const database = await openDatabase({ url: pg.url, poolSize: 1 });
    cleanups.push(() => database.close());
    const { messages, messageAttempts } = tables;
    const sentInDb = async () => {
      const [row] = await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(messages)
        .where(sql`${messages.status} = 'sent'`);
      return Number(row?.n ?? 0);
    };
    await until(`${COUNT} messages sent`, async () => (await sentInDb()) === COUNT, 600_000);

    // Every outcome is recorded: nothing more can be delivered. Exactly one copy of each.
    const counts = copiesById(mock.messages());
    expect(counts.size).toBe(COUNT);
    expect(mock.messages()).toHaveLength(COUNT);
    // Both workers took part (each attempt names its worker).
    const byWorker = await database.db
      .select({ worker: messageAttempts.worker, n: sql<number>`count(*)::int` })
      .from(messageAttempts)
      .groupBy(messageAttempts.worker);
    expect(byWorker).toHaveLength(2);

    // A token made through one API, used on the other, revoked through the first: refused at once.
    const made = await a('POST', '/tokens', { name: 'integrator', role: 'admin' });
    expect(made.status).toBe(201);
    const viaB = withToken(apiB.url, made.body.token);
    expect((await viaB('GET', '/accounts')).status).toBe(200);
    expect((await a('DELETE', `/tokens/${made.body.id}`)).status).toBe(200);
    expect((await viaB('GET', '/accounts')).status).toBe(401);
    expect((await withToken(apiA.url, made.body.token)('GET', '/accounts')).status).toBe(401);
    // And the other way round, with a token used on both first.
    const other = await b('POST', '/tokens', { name: 'second', role: 'admin' });
    expect((await withToken(apiA.url, other.body.token)('GET', '/accounts')).status).toBe(200);
    expect((await b('DELETE', `/tokens/${other.body.id}`)).status).toBe(200);
    expect((await withToken(apiA.url, other.body.token)('GET', '/accounts')).status).toBe(401);
  }, 900_000);
});
