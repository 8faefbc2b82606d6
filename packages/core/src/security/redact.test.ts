import { describe, expect, it } from 'vitest';
import { maskSecrets, redact } from './redact';

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
});
