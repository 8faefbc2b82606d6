import { describe, expect, it } from 'vitest';
import type { ConnectionTestResult } from '../schemas/connection';
import type { ResolvedPart } from './engine';
import { testLogRows } from './logRows';

const smtp = (auth: Record<string, unknown>) =>
  ({
    transport: 'smtp',
    host: '127.0.0.1',
    port: 2525,
    security: 'none',
    auth,
    from: { address: 'sales@example.com' },
  }) as unknown as ResolvedPart;

const passed = (detail: Record<string, unknown>): ConnectionTestResult =>
  ({
    ok: true,
    direction: 'outgoing',
    durationMs: 3,
    steps: [
      { step: 'connect', ok: true, durationMs: 1, detail: { address: '127.0.0.1', port: 2525 } },
      { step: 'authenticate', ok: true, durationMs: 0, detail },
    ],
  }) as ConnectionTestResult;

const authRow = (part: ResolvedPart, detail: Record<string, unknown>) =>
  testLogRows({
    direction: 'outgoing',
    part,
    result: passed(detail),
    transcript: [],
    accountId: null,
    accountName: null,
    debug: false,
  }).find((r) => r.source === 'smtp_auth');

describe('testLogRows', () => {
  it('says an account without authentication signed in as nobody, not that authentication succeeded', () => {
    const row = authRow(smtp({ method: 'none' }), {
      mechanism: 'none',
      note: 'no authentication configured',
    });
    expect(row?.message).toBe('SMTP: no authentication configured, none attempted on 127.0.0.1:2525');
    expect(row?.message).not.toContain('succeeded');
    expect(row?.level).toBe('info');
  });

  it('names the user and the mechanism of a real sign-in', () => {
    const row = authRow(smtp({ method: 'password', username: 'sales@example.com' }), {
      mechanism: 'PLAIN',
      username: 'sales@example.com',
    });
    expect(row?.message).toBe('SMTP authentication as sales@example.com succeeded (PLAIN) on 127.0.0.1:2525');
  });
});
