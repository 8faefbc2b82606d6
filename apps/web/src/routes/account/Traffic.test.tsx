import type { AccountView } from '@mailroom/core/schemas';
import type { JSX } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { HealthProps } from '../../components/account/Widgets';
import { mount } from '../../test/mount';
import { Traffic } from './Traffic';

// What the API gives for a fetch and a test that failed the TLS handshake (packages/core/src/failures/tls.ts).
const OPENSSL =
  '805C317D787F0000:error:0A00010B:SSL routines:*****:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:';
const SENTENCE =
  'The server did not answer in TLS (127.0.0.1:995): this port probably expects a plain connection or STARTTLS.';
const at = '2026-12-01T19:00:00.000Z';
const account: AccountView = {
  id: 'acc_1',
  name: 'Ops',
  label: null,
  purpose: 'customer_service',
  teamId: null,
  stage: 'active',
  stageReason: null,
  health: 'failing',
  healthReason: `Incoming: fetch failed (tls): ${SENTENCE}`,
  debug: false,
  outgoing: null,
  incoming: {
    protocol: 'pop3',
    host: '127.0.0.1',
    port: 995,
    security: 'tls',
    allowInvalidCertificates: false,
    auth: { method: 'password', username: 'ops@example.org', hasPassword: true },
    mailbox: 'INBOX',
    pollIntervalSec: 60,
    afterFetch: 'keep',
    enabled: true,
    bounceMailbox: false,
  },
  lastTest: {
    incoming: {
      direction: 'incoming',
      ok: false,
      at,
      durationMs: 12,
      errorCode: 'tls',
      message: SENTENCE,
      detail: OPENSSL,
    },
  },
  sending: null,
  fetching: {
    health: { health: 'failing', reason: `Incoming: fetch failed (tls): ${SENTENCE}`, since: at },
    lastOk: null,
    lastFailed: {
      at,
      errorCode: 'tls',
      responseCode: null,
      reply: null,
      summary: SENTENCE,
      detail: OPENSSL,
      messageId: null,
    },
    failuresInARow: 1,
    pausedUntil: null,
    nextPollAt: null,
  },
  defaults: [],
  createdAt: at,
  createdBy: null,
  updatedAt: at,
  updatedBy: null,
};

function show(el: () => JSX.Element): HTMLElement {
  const root = mount(el);
  return root;
}

describe("an account's failures with OpenSSL's line", () => {
  it('the last failed fetch says the sentence, the line under Technical detail', () => {
    const root = show(() => <Traffic account={account} onChanged={() => {}} />);
    const failed = [...root.querySelectorAll('dt')].find((d) => d.textContent === 'Last failed fetch');
    const dd = failed?.nextElementSibling;
    expect(dd?.querySelector('p')?.textContent).toBe(SENTENCE);
    expect(dd?.querySelector('details summary')?.textContent).toBe('Technical detail');
    expect(dd?.querySelector('details p')?.textContent).toBe(OPENSSL);
  });

  it('the last test says the sentence, the line under Technical detail', () => {
    const root = show(() => <HealthProps a={account} />);
    const test = [...root.querySelectorAll('dt')].find((d) => d.textContent === 'Last incoming test');
    const dd = test?.nextElementSibling;
    expect(dd?.querySelector('p')?.textContent).toBe(SENTENCE);
    expect(dd?.querySelector('details summary')?.textContent).toBe('Technical detail');
    expect(dd?.querySelector('details p')?.textContent).toBe(OPENSSL);
  });
});
