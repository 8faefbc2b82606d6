// Issue 16: on Postgres a worker killed while another lives has its messages taken over within the
// grace (MAILROOM_WORKER_GRACE_SECONDS, 2 s here), by the live worker, while the 5-minute lease of
// the dead worker has far to run.
import {
  createAccount,
  createContext,
  createOutbox,
  createSecretBox,
  defaultCoreConfig,
  openDatabase,
  parseKeySpec,
  queryLogs,
  sendBulk,
  systemActor,
  type WorkerEvent,
} from '@mailroom/core';
import { createTestPgDatabase } from '@mailroom/core/testing';
import { startMockMailServer } from '@mailroom/mock-mailserver';
import { afterEach, describe, expect, it } from 'vitest';
import { copiesById, deployment, type MailroomProcess, mockOutgoing, spawnMailroom, until } from './support';

type Started = { type: 'started'; workerId: string };
const eventsOf = (p: MailroomProcess) =>
  p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as WorkerEvent | Started);
const claimedBy = (p: MailroomProcess) =>
  eventsOf(p).reduce((n, e) => n + (e.type === 'claimed' ? e.count : 0), 0);
const sentBy = (p: MailroomProcess) =>
  eventsOf(p).flatMap((e) => (e.type === 'recorded' && e.status === 'sent' ? [e.messageId] : []));

describe('a worker killed on Postgres while another lives', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  it('has its messages taken over by the live worker within the grace, long before its lease ends', async () => {
    const mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      imapPort: false,
      imapsPort: false,
      httpPort: false,
    });
    cleanups.push(() => mock.close());
    const pg = await createTestPgDatabase();
    cleanups.push(() => pg.drop());
    const d = deployment({
      url: pg.url,
      extra: {
        MAILROOM_WORKER_GRACE_SECONDS: '2',
        MAILROOM_WORKER_POLL_MS: '200',
        // The held conversations stay held until the kill, however slow the machine.
        MAILROOM_COMMAND_TIMEOUT_MS: '300000',
      },
    });
    cleanups.push(d.remove);

    const database = await openDatabase({ url: pg.url, poolSize: 2 });
    cleanups.push(() => database.close());
    const ctx = createContext(
      {
        db: database.db,
        secrets: createSecretBox(parseKeySpec(d.env.MAILROOM_SECRET_KEY!)),
        config: { ...defaultCoreConfig, allowPrivateHosts: true },
        outbox: createOutbox(database.db),
      },
      systemActor,
    );
    const account = await createAccount({
      ctx,
      input: {
        name: 'Mock',
        outgoing: mockOutgoing(mock.smtpPort),
      },
    });
    // Held at RCPT: the first worker takes them all and is stuck with them, mid-conversation.
    mock.faults.set([{ stage: 'rcpt', match: 'held-*', action: 'delay', delayMs: 600_000 }]);
    await sendBulk({
      ctx,
      input: {
        accountId: account.id,
        subject: 'Held {{n}}',
        text: 'x',
        recipients: Array.from({ length: 10 }, (_, n) => ({
          to: `held-${n}@example.org`,
          variables: { n: String(n) },
        })),
      },
    });

    const procs: MailroomProcess[] = [];
    cleanups.push(async () => {
      for (const p of procs) await p.kill();
    });
    const doomed = spawnMailroom(['worker', '--events'], d.env);
    procs.push(doomed);
    const [, doomedId] = await doomed.waitFor(/"type":"started","workerId":"([^"]+)"/);
    await until('the first worker to hold all ten', () => claimedBy(doomed) >= 10);
    const live = spawnMailroom(['worker', '--events'], d.env);
    procs.push(live);
    await live.waitFor(/"type":"started"/);
    // The live worker finds nothing to do: the ten are leased (for 5 minutes) to a worker that beats.
    expect(sentBy(live)).toEqual([]);

    await doomed.kill();
    mock.faults.clear();
    await until('the live worker to send the ten', () => sentBy(live).length >= 10);

    const counts = copiesById(mock.messages());
    expect(counts.size).toBe(10);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(sentBy(live))).toEqual(new Set(counts.keys()));
    // One Main Log row per silent holder of the dead process (its worker, its immediate sends, …); the
    // worker's names the messages it held.
    const log = await queryLogs({ ctx, input: { source: 'queue', q: 'was silent', pageSize: 20 } });
    const line = log.items.map((r) => r.message).find((m) => m.startsWith(`Lease holder ${doomedId} `));
    expect(line).toMatch(
      /^Lease holder \S+ \(worker, .*\) was silent for more than 2 s: its leases were released \(10 messages\)$/,
    );
    await live.stop();
  }, 300_000);
});
