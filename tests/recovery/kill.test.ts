// Issue 16, "recovery in seconds, not a lease": the server is SIGKILLed in the middle of a drain, with
// messages held mid-conversation; after the restart every message is sent, none lost, duplicates at most
// what was in flight, and the leases were released by the mechanism (not by waiting out the 5-minute lease).
import { createTestPgDatabase } from '@mailroom/core/testing';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterEach, describe, expect, it } from 'vitest';
import {
  copiesById,
  deployment,
  type MailroomProcess,
  mockOutgoing,
  signIn,
  startApi,
  until,
} from './support';

const TOTAL = 300;
const SLOW = 10;
const CONCURRENCY = 20;

describe.each(['pglite', 'postgres'] as const)('a server killed mid-drain on %s', (backend) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  it('is recovered at restart: every message sent, lost 0, duplicates at most what was in flight', async () => {
    const mock: MockMailServer = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      imapPort: false,
      imapsPort: false,
      httpPort: false,
      maxMessages: 5000,
    });
    cleanups.push(() => mock.close());
    const pg = backend === 'postgres' ? await createTestPgDatabase() : undefined;
    if (pg) cleanups.push(() => pg.drop());
    const d = deployment({
      ...(pg ? { url: pg.url } : {}),
      // The lease stays at its default (5 minutes): recovery must not wait for it.
      extra: { MAILROOM_WORKER_CONCURRENCY: String(CONCURRENCY), MAILROOM_WORKER_GRACE_SECONDS: '3' },
    });
    cleanups.push(d.remove);
    const procs: MailroomProcess[] = [];
    cleanups.push(async () => {
      for (const p of procs) await p.kill();
    });

    const first = await startApi(d.env);
    procs.push(first);
    const admin = await signIn(first.url);
    const account = await admin('POST', '/accounts', {
      name: 'Mock',
      outgoing: mockOutgoing(mock.smtpPort),
    });
    expect(account.status).toBe(201);
    // The first ten are held at RCPT: in flight, mid-conversation, when the server dies.
    mock.faults.set([{ stage: 'rcpt', match: 'slow-*', action: 'delay', delayMs: 600_000 }]);
    const recipients = [
      ...Array.from({ length: SLOW }, (_, i) => ({ to: `slow-${i}@example.org` })),
      ...Array.from({ length: TOTAL - SLOW }, (_, i) => ({ to: `fast-${i}@example.org` })),
    ];
    const bulk = await admin('POST', '/messages/bulk', {
      accountId: account.body.id,
      subject: 'Drain',
      text: 'x',
      recipients,
    });
    expect(bulk.status).toBe(202);
    await until('the drain to be under way', () => mock.messages().length >= 40);
    await first.kill();
    const beforeRestart = mock.messages().length;
    expect(beforeRestart).toBeLessThan(TOTAL);
    mock.faults.clear();

    const second = await startApi(d.env);
    procs.push(second);
    const again = await signIn(second.url);
    const sent = async () => (await again('GET', '/messages?status=sent&pageSize=1')).body.total as number;
    await until('every message to be sent', async () => (await sent()) === TOTAL, 180_000);

    const counts = copiesById(mock.messages());
    expect(counts.size).toBe(TOTAL);
    const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
    // The slow ones never got past RCPT before the kill: delivered once, after the restart.
    expect(mock.messages().filter((m) => m.envelope.rcptTo[0]?.startsWith('slow-'))).toHaveLength(SLOW);
    const logs = await again('GET', '/logs?source=queue&pageSize=50');
    const lines = (logs.body.items as Array<{ message: string }>).map((r) => r.message);
    if (backend === 'pglite') {
      expect(lines.some((l) => /^Start-up: \d+ leases left by a process .* released at once/.test(l))).toBe(
        true,
      );
    } else {
      expect(
        lines.some((l) => /^Lease holder worker:\S+ \(worker, .*\) was silent for more than 3 s/.test(l)),
      ).toBe(true);
    }
    const stuck = await again('GET', '/messages?status=sending,queued,deferred&pageSize=1');
    expect(stuck.body.total).toBe(0);
  }, 420_000);
});
