import { describe, expect, it } from 'vitest';
import type { RecipientOutcome, SendOutcome } from '../transport/types';
import { decide } from './decide';
import { withPolicy } from './policy';
import type { MessageRow } from './rows';

const policy = withPolicy({ maxAttempts: 3 });
const created = new Date('2026-03-01T10:00:00Z');
const now = new Date('2026-03-01T10:05:00Z');
const fixed = { random: () => 0.5 };

/** A stored message with these recipients' states after `attempts` attempts. */
function row(recipients: Record<string, string>, attempts = 0): MessageRow {
  return {
    recipients: Object.entries(recipients).map(([address, status]) => ({
      address,
      status,
      reply: status === 'rejected' ? '550 5.1.1 No such user' : null,
    })),
    attemptCount: attempts,
    createdAt: created,
  } as MessageRow;
}

const rcpt = (address: string, status: RecipientOutcome['status'], reply: string | null = null) => ({
  address,
  status,
  reply:
    reply ?? (status === 'accepted' ? '250 OK' : status === 'rejected' ? '550 No such user' : '451 Later'),
});

/** An attempt the server took (DATA 250) with per-recipient outcomes. */
const ok = (...recipients: RecipientOutcome[]): SendOutcome => ({ ok: true, reply: '250 OK', recipients });
/** An attempt that failed as a whole: `temporary` 4xx or a final 5xx. */
const refused = (code: number, ...recipients: RecipientOutcome[]): SendOutcome => ({
  ok: false,
  error: {
    code: 'rejected',
    message: `The server refused the message (${code})`,
    hint: 'Read the reply',
    reply: `${code} refused`,
    responseCode: code,
    temporary: code < 500,
    accountLevel: false,
  },
  recipients,
});

describe('decide: what an attempt makes of the message', () => {
  it("keeps a failed TLS handshake's OpenSSL line as the last error's detail, under the sentence", () => {
    const raw = 'C0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:x.c:350:';
    const tls: SendOutcome = {
      ok: false,
      error: {
        code: 'tls',
        message:
          'The server did not answer in TLS (h:465): this port probably expects a plain connection or STARTTLS.',
        hint: 'Check the security mode',
        detail: raw,
        temporary: true,
        accountLevel: true,
      },
      recipients: [],
    };
    const d = decide(row({ 'a@x.org': 'pending' }), tls, now, policy, fixed);
    expect(d.lastError).toMatchObject({
      code: 'tls',
      message: expect.stringMatching(/^The server did not/),
      detail: raw,
    });
  });

  it('is sent when every recipient accepted it', () => {
    const d = decide(
      row({ 'a@x.org': 'pending', 'b@x.org': 'pending' }),
      ok(rcpt('a@x.org', 'accepted'), rcpt('b@x.org', 'accepted')),
      now,
      policy,
      fixed,
    );
    expect(d).toMatchObject({ status: 'sent', lastError: null, sentAt: now });
  });

  it('is partially sent when some accepted it and the others refused it for good, naming them', () => {
    const d = decide(
      row({ 'ok1@x.org': 'pending', 'nobody@x.org': 'pending' }),
      ok(
        rcpt('ok1@x.org', 'accepted'),
        rcpt('nobody@x.org', 'rejected', '550 5.1.1 <nobody@x.org>: unknown'),
      ),
      now,
      policy,
      fixed,
    );
    expect(d.status).toBe('partially_sent');
    expect(d.sentAt).toEqual(now);
    expect(d.nextAttemptAt).toBeNull();
    expect(d.lastError).toMatchObject({
      code: 'rejected',
      message: '1 of 2 recipients refused (nobody@x.org); the others accepted it',
      reply: '550 5.1.1 <nobody@x.org>: unknown',
      responseCode: 550,
    });
  });

  it('is failed when every recipient refused it', () => {
    const d = decide(
      row({ 'a@x.org': 'pending' }),
      refused(550, rcpt('a@x.org', 'rejected')),
      now,
      policy,
      fixed,
    );
    expect(d).toMatchObject({ status: 'failed', sentAt: null, lastError: { responseCode: 550 } });
  });

  it('stays deferred while a recipient waits for a retry, whatever the others did', () => {
    const d = decide(
      row({ 'a@x.org': 'pending', 'b@x.org': 'pending', 'c@x.org': 'pending' }),
      ok(rcpt('a@x.org', 'accepted'), rcpt('b@x.org', 'rejected'), rcpt('c@x.org', 'deferred')),
      now,
      policy,
      fixed,
    );
    expect(d.status).toBe('deferred');
    expect(d.nextAttemptAt).not.toBeNull();
    expect(d.sentAt).toBeNull();
  });

  describe('when a deferred recipient is retried', () => {
    // a@ accepted and b@ refused on the first attempt; c@ was deferred (451).
    const before = () => row({ 'a@x.org': 'accepted', 'b@x.org': 'rejected', 'c@x.org': 'deferred' }, 1);

    it('is partially sent when it then accepts (b@ still refused)', () => {
      const d = decide(before(), ok(rcpt('c@x.org', 'accepted')), now, policy, fixed);
      expect(d.status).toBe('partially_sent');
      expect(d.recipients.map((r) => r.status)).toEqual(['accepted', 'rejected', 'accepted']);
      expect(d.lastError?.message).toBe('1 of 3 recipients refused (b@x.org); the others accepted it');
    });

    it('is partially sent when it then refuses for good', () => {
      const d = decide(before(), refused(550, rcpt('c@x.org', 'rejected')), now, policy, fixed);
      expect(d.status).toBe('partially_sent');
      expect(d.recipients.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected']);
      expect(d.lastError).toMatchObject({ responseCode: 550 });
      expect(d.lastError?.message).toContain('2 of 3 recipients refused (b@x.org, c@x.org)');
    });

    it('is partially sent when it is given up after the last attempt', () => {
      const d = decide(
        row({ 'a@x.org': 'accepted', 'c@x.org': 'deferred' }, policy.maxAttempts - 1),
        refused(451, rcpt('c@x.org', 'deferred')),
        now,
        policy,
        fixed,
      );
      expect(d.status).toBe('partially_sent');
      expect(d.recipients[1]).toMatchObject({ status: 'rejected' });
      expect(d.recipients[1]?.reply).toContain(`given up after ${policy.maxAttempts} attempts`);
    });

    it('is sent when every recipient ends up accepting it', () => {
      const d = decide(
        row({ 'a@x.org': 'accepted', 'c@x.org': 'deferred' }, 1),
        ok(rcpt('c@x.org', 'accepted')),
        now,
        policy,
        fixed,
      );
      expect(d).toMatchObject({ status: 'sent', lastError: null });
    });

    it('is failed when nobody accepted it before it was given up', () => {
      const d = decide(
        row({ 'c@x.org': 'deferred' }, policy.maxAttempts - 1),
        refused(451, rcpt('c@x.org', 'deferred')),
        now,
        policy,
        fixed,
      );
      expect(d.status).toBe('failed');
    });
  });
});
