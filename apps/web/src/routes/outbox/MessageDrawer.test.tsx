import type { MessageView } from '@mailroom/core/schemas';
import { describe, expect, it } from 'vitest';
import { mount } from '../../test/mount';
import { LastErrorBanner } from './MessageDrawer';

// What the API gives for a send that failed the TLS handshake (packages/core/src/failures/tls.ts).
const OPENSSL =
  '805C317D787F0000:error:0A00010B:SSL routines:*****:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:';
const SENTENCE =
  'The server did not answer in TLS (mail.example.com): this port probably expects a plain connection or STARTTLS.';
const message: MessageView = {
  id: 'msg_1',
  status: 'deferred',
  accountId: 'acc_1',
  route: { reason: 'account_id', explanation: 'The request named the account.' },
  from: { address: 'sales@example.com' },
  to: ['a@example.org'],
  cc: [],
  bcc: [],
  subject: 'Hello',
  messageId: null,
  attemptCount: 1,
  nextAttemptAt: '2026-12-01T19:30:00.000Z',
  lastError: { code: 'tls', message: SENTENCE, detail: OPENSSL, hint: 'Check the security mode.' },
  recipients: [],
  createdAt: '2026-12-01T19:00:00.000Z',
  sentAt: null,
};

describe('the outbox drawer: last error', () => {
  it("says a failed TLS handshake in a sentence, OpenSSL's line under Technical detail", () => {
    const root = mount(() => <LastErrorBanner m={message} />);
    const banner = root.querySelector('.banner')!;
    expect(banner.querySelector('strong')?.textContent).toContain('TLS');
    expect(banner.querySelector('p')?.textContent).toBe(SENTENCE);
    expect(banner.querySelector('details summary')?.textContent).toBe('Technical detail');
    expect(banner.querySelector('details p')?.textContent).toBe(OPENSSL);
    expect(banner.textContent).toContain('Check the security mode.');
  });

  it('shows no technical detail when the error has none', () => {
    const refused = {
      code: 'refused',
      message: 'Connection refused (127.0.0.1:25)',
      hint: 'Check the port.',
    };
    const root = mount(() => <LastErrorBanner m={{ ...message, lastError: refused }} />);
    expect(root.querySelector('.banner p')?.textContent).toBe('Connection refused (127.0.0.1:25)');
    expect(root.querySelector('details')).toBeNull();
  });
});
