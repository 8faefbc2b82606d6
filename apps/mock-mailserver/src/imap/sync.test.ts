import type { ImapFlow } from 'imapflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { closeClients, deliver, imapflow, RawImap, watchIdle } from '../test-support/imap.js';
import { LineClient } from '../test-support/line-client.js';

let mock: MockMailServer;
beforeEach(async () => {
  mock = await startMockMailServer({ smtpsPort: false });
  await deliver(mock, 'ann@example.org', 'first');
  await deliver(mock, 'ann@example.org', 'second');
});
afterEach(async () => {
  await closeClients();
  await mock.close();
});

/** An imapflow client with INBOX open; `idle` leaves it idling (the server said so). */
async function opened(idle = false): Promise<ImapFlow> {
  const { idling, logger } = watchIdle();
  const client = imapflow(mock, 'ann@example.org', { logger, disableAutoIdle: true });
  await client.connect();
  await client.mailboxOpen('INBOX');
  if (idle) {
    void client.idle();
    await idling;
  }
  return client;
}

/** Resolves with the next `flags` event whose flags pass the test. */
function nextFlags(client: ImapFlow, test: (flags: Set<string>) => boolean) {
  return new Promise<{ seq: number; uid?: number; flags: Set<string> }>((resolve) => {
    const listener = (event: { seq: number; uid?: number; flags: Set<string> }) => {
      if (!test(event.flags)) return;
      client.off('flags', listener);
      resolve(event);
    };
    client.on('flags', listener);
  });
}

const nextExpunge = (client: ImapFlow) =>
  new Promise<{ seq: number }>((resolve) => client.once('expunge', resolve));

const uidOf = (subject: string) => mock.messages({ subject })[0]!.uid;

describe('IMAP sessions see each other', () => {
  it('tells an idling imapflow client of flags another IMAP session stored, with the UID', async () => {
    const watcher = await opened(true);
    const writer = await opened();
    const told = nextFlags(watcher, (flags) => flags.has('\\Flagged'));
    await writer.messageFlagsAdd('2', ['\\Flagged', '$Label1']);
    expect(await told).toMatchObject({ seq: 2, uid: uidOf('second') });
    expect([...(await told).flags].sort()).toEqual(['$Label1', '\\Flagged']);

    const unseen = nextFlags(watcher, (flags) => flags.has('\\Seen'));
    await writer.messageFlagsAdd('1', ['\\Seen']);
    expect(await unseen).toMatchObject({ seq: 1, uid: uidOf('first') });
  });

  it('tells an idling client of a message another IMAP session expunged', async () => {
    const watcher = await opened(true);
    const writer = await opened();
    const gone = nextExpunge(watcher);
    await writer.messageDelete('1');
    expect(await gone).toMatchObject({ seq: 1 });
    expect(watcher.mailbox).toMatchObject({ exists: 1 });
  });

  it('tells an idling client of a POP3 DELE, an HTTP delete and a read state set over HTTP', async () => {
    const watcher = await opened(true);
    const popped = nextExpunge(watcher);
    const pop = await LineClient.connect(mock.pop3Port);
    await pop.line();
    await pop.pop('USER ann@example.org');
    await pop.pop('PASS x');
    await pop.pop('DELE 1');
    await pop.pop('QUIT');
    pop.close();
    expect(await popped).toMatchObject({ seq: 1 });

    const read = nextFlags(watcher, (flags) => flags.has('\\Seen'));
    const id = mock.messages({ subject: 'second' })[0]!.id;
    const put = await fetch(`${mock.httpUrl}/api/v1/messages`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id], Read: true }),
    });
    expect(put.status).toBe(200);
    expect(await read).toMatchObject({ seq: 1, uid: uidOf('second') });

    const deleted = nextExpunge(watcher);
    expect((await fetch(`${mock.httpUrl}/api/messages/${id}`, { method: 'DELETE' })).status).toBeLessThan(
      300,
    );
    expect(await deleted).toMatchObject({ seq: 1 });
  });

  it('tells a session that is not idling after its next command, and never its own silent STORE', async () => {
    const raw = await RawImap.connect(mock.imapPort);
    await raw.open('ann@example.org');
    // Its own change, silent: nothing but the tagged OK (RFC 3501 6.4.6).
    expect(await raw.run('STORE 1 +FLAGS.SILENT (\\Answered)')).toEqual([expect.stringMatching(/^T\d+ OK /)]);

    const second = uidOf('second');
    const other = await opened();
    await other.messageFlagsAdd('2', ['\\Flagged']);
    await other.messageDelete('1');
    // A FETCH by sequence number may carry the flag change but not the EXPUNGE (RFC 3501 7.4.1);
    // message 1 is gone, so it has nothing to say about it.
    expect(await raw.run('FETCH 1 (UID)')).toEqual([
      `* 2 FETCH (UID ${second} FLAGS (\\Flagged))`,
      expect.stringMatching(/^T\d+ OK FETCH/),
    ]);
    // NOOP may: the EXPUNGE comes, and the numbers after it have moved.
    const noop = await raw.run('NOOP');
    expect(noop).toEqual(['* 1 EXPUNGE', expect.stringMatching(/^T\d+ OK NOOP/)]);
  });
});
