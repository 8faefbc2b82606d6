import type { ConnectionTestResult } from '@mailroom/core/schemas';
import { describe, expect, it } from 'vitest';
import { mount } from '../test/mount';
import { detailText, StepList, valueText } from './StepList';

function show(result: ConnectionTestResult): HTMLElement {
  const root = mount(() => <StepList result={result} />);
  return root;
}

// What the API answered for a closed port and for implicit TLS against a plain SMTP port.
const OPENSSL =
  '805C317D787F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n';
/** What the API says for it (packages/core/src/failures/tls.ts), OpenSSL's line kept as `detail`. */
const SENTENCE =
  'The server did not answer in TLS (localhost): this port probably expects a plain connection or STARTTLS.';
const refused: ConnectionTestResult = {
  ok: false,
  direction: 'outgoing',
  durationMs: 4,
  steps: [
    {
      step: 'resolve',
      ok: true,
      durationMs: 0.4,
      detail: { host: 'localhost', addresses: ['::1', '127.0.0.1'] },
    },
    {
      step: 'connect',
      ok: false,
      durationMs: 3.3,
      detail: {
        port: 2,
        tried: [
          { address: '::1', error: 'refused' },
          { address: '127.0.0.1', error: 'timeout' },
        ],
        error: 'refused',
        message: 'The connection was refused (localhost:2)',
      },
    },
  ],
  error: {
    code: 'refused',
    message: 'The connection was refused (localhost:2)',
    hint: 'Nothing is listening.',
  },
};
const tls: ConnectionTestResult = {
  ok: false,
  direction: 'outgoing',
  durationMs: 16,
  steps: [
    { step: 'connect', ok: true, durationMs: 1, detail: { address: '127.0.0.1', port: 2325 } },
    {
      step: 'tls',
      ok: false,
      durationMs: 4.8,
      detail: { mode: 'implicit', error: 'tls', message: SENTENCE },
    },
  ],
  error: { code: 'tls', message: SENTENCE, detail: OPENSSL, hint: 'Check the security mode.' },
};

describe('StepList', () => {
  it('shows the tried addresses with their error class, never [object Object]', () => {
    const root = show(refused);
    const steps = root.querySelector('ol[aria-label="Test steps"]')?.textContent ?? '';
    expect(steps).not.toContain('[object Object]');
    expect(steps).toContain('tried: ::1 (Connection refused), 127.0.0.1 (Timeout)');
    expect(steps).toContain('error: Connection refused');
    expect(root.querySelector('[data-testid="test-result"] strong')?.textContent).toContain(
      'Failed: Connection refused',
    );
  });

  it('says a TLS failure in plain words, with the OpenSSL text kept as the technical detail', () => {
    const root = show(tls);
    const banner = root.querySelector('[data-testid="test-result"]')!;
    expect(banner.querySelector('strong')?.textContent).toContain('Failed: TLS');
    const sentence = banner.querySelector('p')?.textContent ?? '';
    expect(sentence).toBe(
      'The server did not answer in TLS (localhost): this port probably expects a plain connection or STARTTLS.',
    );
    expect(banner.querySelector('details summary')?.textContent).toBe('Technical detail');
    expect(banner.querySelector('details p')?.textContent).toContain('ssl3_get_record:wrong version number');
    const steps = root.querySelector('ol[aria-label="Test steps"]')?.textContent ?? '';
    expect(steps).toContain('TLS');
    expect(steps).not.toContain('0A00010B');
    expect(steps).toContain('error: TLS');
  });
});

describe('detail values', () => {
  it('reads nested records and lists as words', () => {
    expect(valueText([{ address: '::1', error: 'dns' }])).toBe('::1 (DNS)');
    expect(valueText({ subject: 'CN=mail', issuer: 'CN=CA', validTo: 'Jan 1' })).toBe(
      'CN=mail (issuer CN=CA, valid to Jan 1)',
    );
    expect(valueText([['a', 'b'], 'c'])).toBe('a, b, c');
    expect(valueText({ empty: null })).toBe('');
    expect(detailText({ host: 'h', addresses: ['1.2.3.4'], none: null })).toBe(
      'host: h · addresses: 1.2.3.4',
    );
    expect(detailText('plain')).toBe('plain');
  });
});
