import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FaultRuleError, type MockMailServer, startMockMailServer } from '../index.js';
import { closeClients, deliver, imapflow, RawImap } from '../test-support/imap.js';
import { ImapSession } from './session.js';

let mock: MockMailServer;
beforeEach(async () => {
  mock = await startMockMailServer({ smtpsPort: false, pop3Port: false, httpPort: false });
  await deliver(mock, 'ann@example.org', 'first');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await closeClients();
  await mock.close();
});

/** Makes fault delays immediate and records them: the mechanism is checked, never the clock. */
const pauses = () => vi.spyOn(ImapSession.prototype, 'pause').mockResolvedValue();

describe('IMAP fault rules', () => {
  it('imap-connect: BYE instead of the greeting, a drop, or a withheld greeting', async () => {
    mock.faults.set([{ stage: 'imap-connect', message: 'Too many connections', count: 1 }]);
    const bye = await RawImap.connect(mock.imapPort);
    expect(await bye.greeting()).toBe('* BYE Too many connections');
    expect(await bye.line.closesWithin(1000)).toBe(true);

    mock.faults.set([{ stage: 'imap-connect', action: 'drop', count: 1 }]);
    const dropped = await RawImap.connect(mock.imapPort);
    expect(await dropped.line.closesWithin(1000)).toBe(true);

    const paused = pauses();
    mock.faults.set([{ stage: 'imap-connect', delayMs: 60_000, count: 1 }]);
    const slow = await RawImap.connect(mock.imapPort);
    expect(await slow.greeting()).toMatch(/^\* OK /);
    expect(paused.mock.calls).toEqual([[60_000]]);
    expect(mock.faults.fired().map((f) => [f.stage, f.action, f.status ?? null, f.code])).toEqual([
      ['imap-connect', 'reply', 'BYE', null],
      ['imap-connect', 'drop', null, null],
      ['imap-connect', 'delay', null, null],
    ]);
  });

  it('imap-login: NO (the default), BAD with a message, for the matching user only, count times', async () => {
    mock.faults.set([{ stage: 'imap-login', match: 'locked@*', count: 1 }]);
    const locked = imapflow(mock, 'locked@example.org');
    await expect(locked.connect()).rejects.toMatchObject({
      authenticationFailed: true,
      serverResponseCode: 'AUTHENTICATIONFAILED',
    });
    const ann = imapflow(mock, 'ann@example.org');
    await ann.connect();
    const again = imapflow(mock, 'locked@example.org');
    await again.connect();

    mock.faults.set([{ stage: 'imap-login', status: 'BAD', message: '[UNAVAILABLE] Try later' }]);
    const raw = await RawImap.connect(mock.imapPort);
    await raw.greeting();
    expect(await raw.run('LOGIN ann@example.org x')).toEqual(['T1 BAD [UNAVAILABLE] Try later']);
    const plain = Buffer.from('\0ann@example.org\0x').toString('base64');
    expect(await raw.run(`AUTHENTICATE PLAIN ${plain}`)).toEqual(['T2 BAD [UNAVAILABLE] Try later']);
    expect(mock.faults.fired().at(-1)).toMatchObject({
      stage: 'imap-login',
      status: 'BAD',
      code: null,
      message: '[UNAVAILABLE] Try later',
      target: 'ann@example.org',
    });
  });

  it('imap-select: NO for the matching mailbox, leaving none selected; imapflow sees the open fail', async () => {
    mock.faults.set([{ stage: 'imap-select', match: 'INBOX' }]);
    const raw = await RawImap.connect(mock.imapPort);
    await raw.greeting();
    await raw.run('LOGIN ann@example.org x');
    expect(await raw.run('SELECT inbox')).toEqual(['T2 NO [UNAVAILABLE] Mailbox unavailable (mock fault)']);
    expect(await raw.run('FETCH 1 UID')).toEqual(['T3 BAD FETCH: select a mailbox first']);
    const client = imapflow(mock, 'ann@example.org');
    await client.connect();
    await expect(client.mailboxOpen('INBOX')).rejects.toThrow();
    // Matched by login name too.
    mock.faults.set([{ stage: 'imap-select', match: 'bob@*', status: 'BAD' }]);
    expect((await raw.run('EXAMINE INBOX')).at(-1)).toBe('T4 OK [READ-ONLY] EXAMINE completed');
  });

  it('imap-fetch: a drop cuts the connection once; a delay waits, then answers; BAD on request', async () => {
    mock.faults.set([{ stage: 'imap-fetch', action: 'drop', count: 1 }]);
    const first = await RawImap.connect(mock.imapPort);
    await first.open('ann@example.org');
    first.write('T3 FETCH 1 (UID)\r\n');
    expect(await first.line.closesWithin(1000)).toBe(true);

    const paused = pauses();
    mock.faults.set([{ stage: 'imap-fetch', match: 'ann@*', delayMs: 2000 }]);
    const client = imapflow(mock, 'ann@example.org');
    await client.connect();
    await client.mailboxOpen('INBOX');
    const fetched = await client.fetchOne('1', { envelope: true });
    if (!fetched) throw new Error('nothing fetched');
    expect(fetched.envelope?.subject).toBe('first');
    expect(paused.mock.calls).toEqual([[2000]]);

    mock.faults.set([{ stage: 'imap-fetch', status: 'BAD', message: 'Fetch refused' }]);
    const raw = await RawImap.connect(mock.imapPort);
    await raw.open('ann@example.org');
    expect(await raw.run('UID FETCH 1:* (FLAGS)')).toEqual(['T3 BAD Fetch refused']);
  });

  it('validates IMAP rules: a status instead of a code, only at IMAP stages', () => {
    expect(() => mock.faults.set([{ stage: 'imap-login', code: 535 }])).toThrow(FaultRuleError);
    try {
      mock.faults.set([
        { stage: 'imap-fetch', code: 451 },
        { stage: 'rcpt', status: 'NO' },
        // @ts-expect-error: a status other than NO or BAD
        { stage: 'imap-select', status: 'OK' },
      ]);
    } catch (error) {
      expect((error as FaultRuleError).errors).toEqual([
        { path: '[0].code', message: 'IMAP replies have no code; use status NO or BAD' },
        { path: '[1].status', message: 'only for the IMAP stages and bounce rules' },
        { path: '[2].status', message: 'expected NO or BAD' },
      ]);
    }
    expect.assertions(2);
  });
});
