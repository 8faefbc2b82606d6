import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AccountRow } from '../accounts/types';
import { accountSecrets } from './accountSecrets';
import { redact } from './redact';
import { createSecretBox } from './secretBox';

const box = createSecretBox([{ id: 'k1', key: randomBytes(32) }]);
const b64 = (s: string) => Buffer.from(s).toString('base64');
type Row = Pick<AccountRow, 'outgoing' | 'incoming' | 'secrets'>;
const common = {
  from: { address: 'bob@example.com' },
  fromFilter: [],
  sendMode: 'queued' as const,
  rateLimitPerMinute: 0,
};
const server = { port: 587, security: 'starttls' as const, allowInvalidCertificates: false };

describe('accountSecrets', () => {
  it("masks an SMTP password, its PLAIN strings and the incoming OAuth2 client's Basic pair", () => {
    const row: Row = {
      outgoing: {
        transport: 'smtp',
        host: 'smtp.example.com',
        ...server,
        auth: { method: 'password', username: 'bob' },
        ...common,
      },
      incoming: {
        protocol: 'imap',
        host: 'imap.example.com',
        ...server,
        auth: { method: 'oauth2', username: 'bob', clientId: 'cid', tokenUrl: 'https://t.example/token' },
        mailbox: 'INBOX',
        pollIntervalSec: 60,
        afterFetch: 'keep',
        enabled: true,
      },
      secrets: {
        'outgoing.auth.password': box.encrypt('Pw-0f-Bob!'),
        'incoming.auth.clientSecret': box.encrypt('client-secret-1'),
        'incoming.auth.refreshToken': box.encrypt('refresh-token-1'),
      },
    };
    const set = accountSecrets(box, row);
    const text = [
      'Pw-0f-Bob!',
      b64('\0bob\0Pw-0f-Bob!'),
      b64('bob\0bob\0Pw-0f-Bob!'),
      b64('cid:client-secret-1'),
      'refresh-token-1',
    ].join(' ');
    expect(redact(text, set)).toBe('***** ***** ***** ***** *****');
  });

  it('masks a Mailgun key and the Basic credentials built from it, and shares one frozen set per row', () => {
    const row: Row = {
      outgoing: {
        transport: 'mailgun',
        domain: 'mg.example.com',
        baseUrl: 'https://api.mailgun.net',
        ...common,
      },
      incoming: null,
      secrets: { 'outgoing.apiKey': box.encrypt('key-3f9a1c77e2b84d0f') },
    };
    const set = accountSecrets(box, row);
    expect(redact(`Basic ${b64('api:key-3f9a1c77e2b84d0f')} / api:key-3f9a1c77e2b84d0f`, set)).toBe(
      'Basic ***** / *****',
    );
    expect(accountSecrets(box, row)).toBe(set);
    expect(() => set.add('x-learned-token')).toThrow();
  });

  it('reuses the set of a row loaded again with the same secrets and usernames, and builds anew on a change', () => {
    const secrets = { 'outgoing.auth.password': box.encrypt('Pw-0f-Carol!') };
    const rowOf = (username: string): Row => ({
      outgoing: {
        transport: 'smtp',
        host: 'smtp.example.com',
        ...server,
        auth: { method: 'password', username },
        ...common,
      },
      incoming: null,
      secrets: { ...secrets },
    });
    const first = accountSecrets(box, rowOf('carol'));
    expect(accountSecrets(box, rowOf('carol'))).toBe(first);
    const renamed = accountSecrets(box, rowOf('caroline'));
    expect(renamed).not.toBe(first);
    expect(redact(b64('\0caroline\0Pw-0f-Carol!'), renamed)).toBe('*****');
  });
});
