import { describe, expect, it } from 'vitest';
import { maskSecrets, plainForms, redact, redactDeep, SecretSet } from './redact';

const PASSWORD = 'Tr0ub4dor&3';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('redact', () => {
  it.each([
    [`AUTH PLAIN ${b64(`\0joe\0${PASSWORD}`)}`, 'AUTH PLAIN *****'],
    [`C: AUTH PLAIN ${b64(`\0joe\0${PASSWORD}`)}`, 'C: AUTH PLAIN *****'],
    [`C: AUTH XOAUTH2 ${b64('user=joe\x01auth=Bearer ya29.tok\x01\x01')}`, 'C: AUTH XOAUTH2 *****'],
    [`A1 AUTHENTICATE PLAIN ${b64(`\0joe\0${PASSWORD}`)}`, 'A1 AUTHENTICATE PLAIN *****'],
    [`C: A1 LOGIN "joe" "${PASSWORD}"`, 'C: A1 LOGIN "joe" *****'],
    [`C: PASS ${PASSWORD}`, 'C: PASS *****'],
    [`PASS ${PASSWORD}`, 'PASS *****'],
  ])('masks %s', (line, expected) => {
    expect(redact(line)).toBe(expected);
  });

  it('masks both base64 lines of an AUTH LOGIN exchange, even without knowing the password', () => {
    const transcript = [
      'C: AUTH LOGIN',
      'S: 334 VXNlcm5hbWU6',
      `C: ${b64('joe@example.com')}`,
      'S: 334 UGFzc3dvcmQ6',
      `C: ${b64(PASSWORD)}`,
      'S: 235 2.7.0 ok',
    ].join('\n');
    const out = redact(transcript);
    expect(out).not.toContain(b64(PASSWORD));
    expect(out).not.toContain(b64('joe@example.com'));
    expect(out.split('\n')).toEqual([
      'C: AUTH LOGIN',
      'S: 334 VXNlcm5hbWU6',
      'C: *****',
      'S: 334 UGFzc3dvcmQ6',
      'C: *****',
      'S: 235 2.7.0 ok',
    ]);
  });

  it('masks a known secret in clear, base64 and URL-encoded forms', () => {
    const text = `x ${PASSWORD} y ${b64(PASSWORD)} z ${encodeURIComponent(PASSWORD)}`;
    const out = redact(text, [PASSWORD]);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(b64(PASSWORD));
    expect(out).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('masks secret-looking keys in structured data', () => {
    expect(
      maskSecrets({ a: { password: 'x', apiKey: 'k', ok: true }, list: [{ refreshToken: 'r' }] }),
    ).toEqual({
      a: { password: '*****', apiKey: '*****', ok: true },
      list: [{ refreshToken: '*****' }],
    });
  });

  it('keeps a capability list readable: a mechanism after AUTH PLAIN is not a payload', () => {
    expect(redact('AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2')).toBe('AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2');
    expect(redact('S: 250 AUTH PLAIN LOGIN')).toBe('S: 250 AUTH PLAIN LOGIN');
  });

  it('masks the base64 of a longer text holding the secret, at any alignment', () => {
    for (const prefix of ['', 'a', 'ab', 'abc', '\0someone-unknown\0']) {
      const out = redact(`535 ${b64(`${prefix}${PASSWORD}`)} ${b64(`x${PASSWORD}y`)}`, [PASSWORD]);
      expect(out).not.toContain(b64(`${prefix}${PASSWORD}`));
      expect(out).toContain('*****');
    }
  });
});

describe('SASL PLAIN forms', () => {
  it('lists the strings PLAIN encodes for a login', () => {
    expect(plainForms('bob', PASSWORD)).toEqual([
      `\0bob\0${PASSWORD}`,
      `bob\0bob\0${PASSWORD}`,
      `bob\0${PASSWORD}`,
    ]);
  });

  it('masks every PLAIN payload of a login whole, once the login is in the set', () => {
    const secrets = new SecretSet();
    secrets.addLogin('bob', PASSWORD);
    const text = `raw=${b64(`\0bob\0${PASSWORD}`)} pair=${b64(`bob\0${PASSWORD}`)} authz=${b64(`bob\0bob\0${PASSWORD}`)}`;
    expect(redact(text, secrets)).toBe('raw=***** pair=***** authz=*****');
  });

  it('masks a secret added to the set after it was first used', () => {
    const secrets = new SecretSet(['short-lived-1']);
    expect(redact('token ya29.learned-later', secrets)).toBe('token ya29.learned-later');
    secrets.add('ya29.learned-later');
    expect(redact('token ya29.learned-later', secrets)).toBe('token *****');
    secrets.add('');
    secrets.add('ab');
    expect([...secrets]).toEqual(['short-lived-1', 'ya29.learned-later']);
  });
});

describe('redactDeep', () => {
  it('redacts every string value at any depth and keeps the shape and other values', () => {
    const secrets = new SecretSet();
    secrets.addLogin('bob', PASSWORD);
    const value = {
      ok: false,
      durationMs: 12,
      steps: [
        {
          step: 'authenticate',
          detail: { reply: `535 [ bob ${PASSWORD} ] raw=${b64(`\0bob\0${PASSWORD}`)}` },
        },
        { step: 'greeting', detail: 'banner' },
      ],
      error: { message: `refused ${PASSWORD}`, responseCode: 535, extra: null },
    };
    expect(redactDeep(value, secrets)).toEqual({
      ok: false,
      durationMs: 12,
      steps: [
        { step: 'authenticate', detail: { reply: '535 [ bob ***** ] raw=*****' } },
        { step: 'greeting', detail: 'banner' },
      ],
      error: { message: 'refused *****', responseCode: 535, extra: null },
    });
    expect(value.error.message).toContain(PASSWORD);
  });

  it('accepts a plain list of secrets and leaves text without them alone', () => {
    expect(redactDeep(['a', { b: `x ${b64(PASSWORD)}` }], [PASSWORD])).toEqual(['a', { b: 'x *****' }]);
    expect(redactDeep({ a: 'nothing secret' })).toEqual({ a: 'nothing secret' });
  });
});
