import { describe, expect, it } from 'vitest';
import type { AccountRow } from '../accounts/types';
import type { HealthPart } from '../schemas/account';
import { combineHealth, healthWith } from './combine';

const since = '2026-03-01T10:00:00.000Z';
const part = (health: HealthPart['health'], reason: string): HealthPart => ({ health, reason, since });

describe('account health from its directions', () => {
  it('is the worst direction, with the reason of every direction in trouble', () => {
    expect(combineHealth([])).toEqual({ health: 'unknown', reason: null });
    expect(
      combineHealth([part('ok', 'Outgoing test passed'), part('ok', 'Incoming: fetching works')]),
    ).toEqual({
      health: 'ok',
      reason: 'Outgoing test passed; Incoming: fetching works',
    });
    expect(
      combineHealth([
        part('ok', 'Outgoing: deliveries work'),
        part('failing', 'Incoming: fetch failed (refused): x'),
      ]),
    ).toEqual({ health: 'failing', reason: 'Incoming: fetch failed (refused): x' });
    expect(
      combineHealth([
        part('degraded', 'Outgoing: a delivery failed (timeout): t'),
        part('auth_failed', 'Incoming: fetch failed (auth): a'),
      ]),
    ).toEqual({
      health: 'auth_failed',
      reason: 'Outgoing: a delivery failed (timeout): t; Incoming: fetch failed (auth): a',
    });
  });

  it('joins reasons that end in a sentence without a full stop before the semicolon', () => {
    expect(
      combineHealth([
        part('failing', 'Outgoing: a delivery failed (tls): The server does not offer STARTTLS.'),
        part('failing', 'Incoming: fetch failed (tls): The server answered in plain text.'),
      ]).reason,
    ).toBe(
      'Outgoing: a delivery failed (tls): The server does not offer STARTTLS; Incoming: fetch failed (tls): The server answered in plain text.',
    );
    expect(
      combineHealth([part('unknown', 'Outgoing: not tested yet.'), part('unknown', 'Incoming: x.')]).reason,
    ).toBe('Outgoing: not tested yet; Incoming: x.');
  });

  it('falls back to the last test of a direction without newer evidence, and ignores directions the account lacks', () => {
    const row = {
      outgoing: {} as AccountRow['outgoing'],
      incoming: null,
      healthParts: {},
      lastTest: {
        outgoing: {
          direction: 'outgoing',
          ok: false,
          at: since,
          durationMs: 5,
          errorCode: 'auth',
          message: 'refused',
        },
        incoming: { direction: 'incoming', ok: true, at: since, durationMs: 5 },
      },
    } satisfies Pick<AccountRow, 'outgoing' | 'incoming' | 'healthParts' | 'lastTest'>;
    expect(healthWith(row, 'incoming', null)).toMatchObject({
      health: 'auth_failed',
      reason: 'Outgoing test failed: refused',
    });
    // A successful delivery is newer evidence than the failed test.
    expect(healthWith(row, 'outgoing', part('ok', 'Outgoing: deliveries work'))).toMatchObject({
      health: 'ok',
      reason: 'Outgoing: deliveries work',
    });
  });
});
