// Finding 7 of the security audit (input): a deeply nested log filter, loose base64, invalid UTF-8 in a
// JSON body and structural mail headers smuggled in as custom headers must each be refused with a 400
// that names the field, and nothing may be saved.
import { randomBytes } from 'node:crypto';
import { isCanonicalBase64 } from '@mailroom/core/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuedSmtp, type Reply, startTarget, type Target } from './support/target';

let target: Target;
let accountId: string;
beforeAll(async () => {
  // No worker: queued messages stay queued, so a 202 only says the input was accepted.
  target = await startTarget({ MAILROOM_WORKER: 'false' });
  const account = await target.admin.call('POST', '/api/v1/accounts', {
    name: 'Input checks',
    outgoing: queuedSmtp('sales@example.com'),
  });
  expect(account.status, account.text).toBe(201);
  accountId = account.body.id;
});
afterAll(async () => {
  await target?.close();
});

function expectProblem(r: Reply, path: string, message?: RegExp) {
  expect(r.status, r.text).toBe(400);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(r.body.code).toBe('validation_failed');
  const error = (r.body.errors as Array<{ path: string; message: string }>).find((e) => e.path === path);
  expect(error, r.text).toBeDefined();
  if (message) expect(error?.message).toMatch(message);
}

const message = (extra: Record<string, unknown>) => ({
  accountId,
  to: ['customer@example.net'],
  subject: 'Hello',
  text: 'Hello',
  ...extra,
});

const nested = (depth: number): unknown => {
  let group: unknown = { field: 'level', op: 'eq', value: 'error' };
  for (let i = 0; i < depth; i++) group = { all: [group] };
  return group;
};
const logs = (filter: unknown) =>
  target.admin.call('GET', `/api/v1/logs?filter=${encodeURIComponent(JSON.stringify(filter))}`);

describe('the condition builder is bounded', () => {
  it('refuses a filter nested 600 deep with a 400 naming filter (was a 500: stack overflow)', async () => {
    expectProblem(await logs(nested(600)), 'filter', /nested deeper than 8 levels/);
  });

  it('refuses a filter with both all and any nested: the bound counts every branch', async () => {
    let group: unknown = { field: 'level', op: 'eq', value: 'error' };
    for (let i = 0; i < 40; i++) group = i % 2 ? { all: [group], any: [] } : { any: [group], all: [] };
    expectProblem(await logs(group), 'filter', /nested deeper than 8 levels/);
  });

  it('refuses more than 100 conditions in all, even when each group is small', async () => {
    const condition = { field: 'level', op: 'eq', value: 'error' };
    const filter = { any: [0, 1, 2].map(() => ({ all: Array.from({ length: 40 }, () => condition) })) };
    expectProblem(await logs(filter), 'filter', /more than 100 conditions/);
  });

  it('still answers a filter 8 levels deep', async () => {
    const r = await logs(nested(8));
    expect(r.status, r.text).toBe(200);
  });
});

describe('attachments take canonical base64 only', () => {
  const send = (contentBase64: string) =>
    target.admin.call(
      'POST',
      '/api/v1/messages',
      message({ attachments: [{ filename: 'a.txt', contentType: 'text/plain', contentBase64 }] }),
    );

  for (const bad of ['abc=def===', 'YW=j', 'YWJj=ZGVm', 'YWJjZA', 'YWJjZA===', 'QR==', 'YWJ-', ' =']) {
    it(`refuses ${JSON.stringify(bad)} naming attachments.0.contentBase64`, async () => {
      expectProblem(await send(bad), 'attachments.0.contentBase64', /base64/);
    });
  }

  it('accepts canonical base64, also wrapped in lines as MIME tools write it', async () => {
    for (const good of ['aGVsbG8=', 'aGVsbG8gd29y\r\nbGQ=', 'YWJj', '']) {
      const r = await send(good);
      expect(r.status, `${JSON.stringify(good)}: ${r.text}`).toBe(202);
    }
  });
});

describe('isCanonicalBase64, the rule behind contentBase64', () => {
  it('accepts what a standard encoder writes, for every length, wrapped in lines or not', () => {
    for (let n = 0; n < 64; n++) {
      const text = randomBytes(n).toString('base64');
      expect(isCanonicalBase64(text)).toBe(true);
      expect(isCanonicalBase64(text.replace(/(.{8})/g, '$1\r\n'))).toBe(true);
    }
  });

  it('accepts exactly the texts that decode to bytes which encode back to the same text', () => {
    const letters = 'AQBgw+/=-_ ';
    for (let i = 0; i < 5000; i++) {
      const length = 1 + (i % 9);
      const text = Array.from({ length }, () => letters[Math.floor(Math.random() * letters.length)]).join('');
      const compact = text.replace(/ /g, '');
      const roundTrip =
        /^[A-Za-z0-9+/=]*$/.test(compact) && Buffer.from(compact, 'base64').toString('base64') === compact;
      expect(isCanonicalBase64(text), JSON.stringify(text)).toBe(roundTrip);
    }
  });
});

describe('a JSON body must be valid UTF-8', () => {
  const raw = (path: string, bytes: Uint8Array<ArrayBuffer>) =>
    fetch(`${target.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.admin.token}`, 'content-type': 'application/json' },
      body: bytes,
    });
  const bytes = (...parts: Array<string | number[]>) =>
    new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)));

  it('refuses a team name with bytes FF FE instead of saving U+FFFD', async () => {
    const res = await raw('/api/v1/teams', bytes('{"name":"Sales ', [0xff, 0xfe], '"}'));
    const text = await res.text();
    expectProblem(
      { status: res.status, headers: res.headers, text, body: JSON.parse(text) },
      '(body)',
      /UTF-8/,
    );
    const teams = await target.admin.call('GET', '/api/v1/teams');
    expect(teams.text).not.toContain('\ufffd');
    expect(teams.text).not.toContain('Sales ');
  });

  it('refuses an overlong encoding and a lone surrogate in a message subject', async () => {
    for (const evil of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
    ]) {
      const body = JSON.stringify(message({ subject: '@@' })).split('@@');
      const res = await raw('/api/v1/messages', bytes(body[0]!, evil, body[1]!));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '(body)' }] });
    }
    const list = await target.admin.call('GET', '/api/v1/messages');
    expect(list.text).not.toContain('\ufffd');
  });

  it('still reads a valid body with multi-byte characters exactly', async () => {
    const res = await raw('/api/v1/teams', bytes('{"name":"Équipe ✓ 営業"}'));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ name: 'Équipe ✓ 営業' });
  });
});

describe('text that no column can hold is refused, not a 500', () => {
  // Valid UTF-8 bytes, but JSON escapes can still spell a NUL (no text column holds one) or a lone
  // surrogate (no UTF-8 encodes one: the driver would write U+FFFD, or jsonb refuses it). Each used to
  // reach the database and answer 500.
  const escaped = (body: Record<string, unknown>, at: string, spelled: string) =>
    JSON.stringify(body).replace(`"${at}"`, `"${at.replace('@', spelled)}"`);

  it.each([
    ['a NUL in a message body', 'text', '\\u0000'],
    ['a lone high surrogate in a subject', 'subject', '\\ud800'],
    ['a lone low surrogate in a message body', 'text', '\\udc00'],
  ])('refuses %s with a 400 naming the field', async (_what, field, spelled) => {
    const body = escaped(message({ [field]: 'a@b' }), 'a@b', spelled);
    expectProblem(await target.admin.call('POST', '/api/v1/messages', body), field, /NUL|surrogate/);
  });

  it('refuses a lone surrogate in a nested field, naming its path', async () => {
    const body = escaped(message({ headers: { 'X-Campaign': 'a@b' } }), 'a@b', '\\udfff');
    expectProblem(await target.admin.call('POST', '/api/v1/messages', body), 'headers.X-Campaign');
  });

  it('keeps a surrogate pair (an emoji) and an escaped backslash before u0000 as they are', async () => {
    const body = escaped(message({ subject: 'a@b' }), 'a@b', '\\ud83d\\ude00 \\\\u0000');
    const r = await target.admin.call('POST', '/api/v1/messages', body);
    expect(r.status, r.text).toBe(202);
    const stored = await target.admin.call('GET', `/api/v1/messages/${r.body.id}`);
    expect(stored.body.subject).toBe('a\u{1F600} \\u0000b');
  });

  it.each([
    ['a search', '/api/v1/messages?q=a%00b', 'q'],
    ['a Main Log search', '/api/v1/logs?q=%00', 'q'],
    ['a path parameter', '/api/v1/accounts/a%00b', '(path)'],
  ])('refuses a NUL in %s with a 400', async (_what, path, field) => {
    expectProblem(await target.admin.call('GET', path), field, /NUL/);
  });
});

describe('custom headers cannot replace structural or identity headers', () => {
  const structural = [
    'Sender',
    'Return-Path',
    'MIME-Version',
    'Content-Type',
    'content-transfer-encoding',
    'Content-Disposition',
    'Received',
    'DKIM-Signature',
    'DomainKey-Signature',
    'Received-SPF',
    'From',
    'to',
    'Bcc',
    'Reply-To',
    'Message-ID',
    'Subject',
  ];
  for (const name of structural) {
    it(`refuses ${name} in a send, naming headers.${name}`, async () => {
      const r = await target.admin.call('POST', '/api/v1/messages', message({ headers: { [name]: 'x' } }));
      expectProblem(r, `headers.${name}`, /cannot be set/);
    });
  }

  // Spellings that could slip past a by-name check: each must be a 400 on its field, never a 202.
  it.each([
    ['From ', 'a trailing space'],
    ['CONTENT-TYPE', 'upper case'],
    ['\u03f9ontent-Type', 'a Greek lookalike letter'],
    ['X-Ok\r\nBcc', 'a line break in the name'],
    ['X-Ok:Bcc', 'a colon in the name'],
  ])('refuses the name %j (%s)', async (name) => {
    const r = await target.admin.call('POST', '/api/v1/messages', message({ headers: { [name]: 'x' } }));
    expect(r.status, r.text).toBe(400);
    expect(r.body.errors[0].path).toBe(`headers.${name}`);
  });

  it('refuses a folded value that would start a header of its own', async () => {
    for (const value of [
      'x\r\n Content-Type: text/html',
      'x\r\nBcc: victim@example.org',
      'x\nBcc: v@example.org',
    ]) {
      const r = await target.admin.call(
        'POST',
        '/api/v1/messages',
        message({ headers: { 'X-Campaign': value } }),
      );
      expectProblem(r, 'headers.X-Campaign', /line breaks/);
    }
  });

  it('refuses them in a bulk send too', async () => {
    const r = await target.admin.call('POST', '/api/v1/messages/bulk', {
      accountId,
      subject: 'Hello',
      text: 'Hello',
      headers: { 'X-Campaign': 'spring', 'Return-Path': '<bounce@evil.example>' },
      recipients: [{ to: 'customer@example.net' }],
    });
    expectProblem(r, 'headers.Return-Path', /cannot be set/);
  });

  it('accepts ordinary custom headers', async () => {
    const r = await target.admin.call(
      'POST',
      '/api/v1/messages',
      message({
        headers: {
          'X-Campaign': 'spring',
          'In-Reply-To': '<a@example.com>',
          'List-Unsubscribe': '<mailto:u@example.com>',
        },
      }),
    );
    expect(r.status, r.text).toBe(202);
  });
});
