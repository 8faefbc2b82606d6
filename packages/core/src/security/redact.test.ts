import { describe, expect, it } from 'vitest';
import { createRedactor, maskSecrets, plainForms, redact, redactDeep, SecretSet } from './redact';

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

describe('redact: credentials echoed by servers, whoever they belong to', () => {
  const plain = b64(`\0joe@example.com\0${PASSWORD}`);
  const xoauth2 = b64('user=joe@example.com\x01auth=Bearer ya29.A0ARrdaM-tok\x01\x01');

  it.each([
    [`535 5.7.8 AUTH PLAIN ${plain} rejected`, '535 5.7.8 AUTH PLAIN ***** rejected'],
    [
      `Invalid login: 535-5.7.8 AUTH XOAUTH2 ${xoauth2} failed`,
      'Invalid login: 535-5.7.8 AUTH XOAUTH2 ***** failed',
    ],
    [`535 5.7.8 payload ${plain}`, '535 5.7.8 payload *****'],
    [`334 ${xoauth2}`, '334 *****'],
    [`535 decoded user=joe auth=Bearer ya29.A0ARrdaM-tok`, '535 decoded user=joe auth=Bearer *****'],
    [
      `401 Forbidden: Authorization: Basic ${b64('api:key-3f9a1c77')}`,
      '401 Forbidden: Authorization: Basic *****',
    ],
    [`rejected Basic ${b64('api:key-3f9a1c77')} here`, 'rejected Basic ***** here'],
    ['{"authorization":"Bearer abc.DEF-123"}', '{"authorization":"Bearer *****"}'],
    ['Proxy-Authorization: ZXhhbXBsZQ==', 'Proxy-Authorization: *****'],
  ])('masks %s', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it.each([
    '250 2.0.0 Ok: queued as 4F2A3B1C9D',
    '250 OK: queued as eaf7e24668504dbfa0ac',
    '535 5.7.8 AUTH PLAIN rejected',
    '504 5.7.4 AUTH LOGIN failed',
    '250-AUTH PLAIN LOGIN XOAUTH2',
    'WWW-Authenticate: Bearer realm="mail"',
    'Basic authentication is disabled',
    '{"grant_type":"refresh_token","token_type":"Bearer","tokenUrl":"https://login.example.com/token"}',
  ])('leaves prose and capabilities readable: %s', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('masks whole the shortened tokens nodemailer logs, and every credential field of a token response', () => {
    const requesting =
      'Requesting token using: {"client_id":"cid","client_secret":"Cs4Wq1...","refresh_token":"Rt7Hn2...","grant_type":"refresh_token"}';
    expect(redact(requesting)).toBe(
      'Requesting token using: {"client_id":"cid","client_secret":"*****","refresh_token":"*****","grant_type":"refresh_token"}',
    );
    const response =
      'Response: {"access_token":"Ac9Lm5...","expires_in":3599,"refresh_token":"Nr3Bx8-rotated","id_token":"eyJhbGciOi.x.y"}';
    expect(redact(response)).toBe(
      'Response: {"access_token":"*****","expires_in":3599,"refresh_token":"*****","id_token":"*****"}',
    );
    expect(redact('grant_type=refresh_token&refresh_token=Rt7Hn2-x&client_secret=s%2Fx')).toBe(
      'grant_type=refresh_token&refresh_token=*****&client_secret=*****',
    );
    expect(redact("{ access_token: 'Ac9Lm5...', scope: 'mail' }")).toBe(
      "{ access_token: '*****', scope: 'mail' }",
    );
  });
});

describe('redact: a known secret in every form, and never its start', () => {
  const secret = 'Zq8Kv3-s3cr3t/pw+';

  it('masks clear, base64, base64url, URL- and form-encoded forms', () => {
    const forms = [
      secret,
      b64(secret),
      Buffer.from(secret).toString('base64url'),
      encodeURIComponent(secret),
      new URLSearchParams({ p: secret }).toString().slice(2),
    ];
    for (const f of forms) expect(redact(`x ${f} y`, [secret])).toBe('x ***** y');
  });

  it('masks the whole token a start of the secret begins: shortened, cut off, or in base64', () => {
    expect(redact(`token Zq8Kv3... expired`, [secret])).toBe('token ***** expired');
    expect(redact(`line cut at Zq8Kv3-s3c`, [secret])).toBe('line cut at *****');
    expect(redact(`b64 ${b64(secret).slice(0, 12)}`, [secret])).toBe('b64 *****');
  });

  it('does not take the start of a string built from a secret (a PLAIN payload starts with the username)', () => {
    const secrets = new SecretSet();
    secrets.addLogin('sales@example.com', secret);
    expect(redact('MAIL FROM:<sales@example.com>', secrets)).toBe('MAIL FROM:<sales@example.com>');
  });

  it('masks the XOAUTH2, OAUTHBEARER and Basic strings of a set whole', () => {
    const secrets = new SecretSet();
    secrets.addBearer('joe@example.com', 'ya29.token-value');
    secrets.addBasic('api', 'key-abcdef123');
    const text = [
      b64('user=joe@example.com\x01auth=Bearer ya29.token-value\x01\x01'),
      b64('n,a=joe@example.com,\x01auth=Bearer ya29.token-value\x01\x01'),
      b64('api:key-abcdef123'),
    ].join(' ');
    expect(redact(text, secrets)).toBe('***** ***** *****');
  });
});

describe('SecretSet sharing', () => {
  it('a frozen set refuses additions; its copy grows and keeps the built forms', () => {
    const shared = new SecretSet();
    shared.addLogin('bob', PASSWORD);
    shared.freeze();
    expect(() => shared.add('learned-token')).toThrow(/copy/);
    const mine = shared.copy();
    mine.add('learned-token');
    expect(redact(`x ${b64(`\0bob\0${PASSWORD}`)} learned-token`, mine)).toBe('x ***** *****');
    expect(redact('learned-token', shared)).toBe('learned-token');
  });

  it('createRedactor answers like redact, once per distinct text', () => {
    const secrets = new SecretSet([PASSWORD]);
    const r = createRedactor(secrets);
    const text = `535 ${PASSWORD}`;
    expect(r(text)).toBe(redact(text, secrets));
    expect(r(text)).toBe('535 *****');
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
