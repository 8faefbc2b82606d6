// Cursors under attack: a client edits the opaque cursor of a keyset list (another id type, a date
// Postgres refuses, another team's row as the starting point). Each must be a 400 naming `cursor` or a
// page of the caller's own rows — never a 500, never a row the caller may not read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from './support/target';

const forge = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

describe('a forged cursor is a 400 or a page, never a server error', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(async () => {
    await target?.close();
  });

  const lists = ['/api/v1/logs', '/api/v1/messages', '/api/v1/inbox', '/api/v1/suppressions'];
  const forged = {
    'an id that is not a number': forge(['o', '2026-01-01T00:00:00Z', 'not-a-number']),
    'an id past bigint': forge(['o', '2026-01-01T00:00:00Z', '99999999999999999999999']),
    'year 0': forge(['o', '0000-01-01T00:00:00Z', '1']),
    'the 31st of February': forge(['n', '2026-02-31T00:00:00Z', '1']),
    'hour 24': forge(['o', '2026-01-01T24:00:00Z', '1']),
    'a NUL in the id': forge(['o', '2026-01-01T00:00:00Z', 'a\u0000b']),
  };

  for (const list of lists) {
    it.each(Object.entries(forged))(`${list}: %s`, async (_what, cursor) => {
      const r = await target.admin.call('GET', `${list}?cursor=${cursor}`);
      expect(r.status, r.text).not.toBeGreaterThanOrEqual(500);
      if (r.status === 400) expect(r.text).toContain('cursor');
    });
  }
});
