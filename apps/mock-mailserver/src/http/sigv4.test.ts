import aws4 from 'aws4';
import { describe, expect, it } from 'vitest';
import { SigV4Error, type SigV4Request, verifySigV4 } from './sigv4.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const signedAt = Date.UTC(2024, 0, 2, 3, 4, 5);
const options = { service: 'ses', now: signedAt };

/** A request signed by aws4 (an independent implementation), as the mock's server would see it. */
function signed(
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const out = aws4.sign(
    {
      host: 'mock.test:8025',
      method: init.method ?? 'GET',
      path,
      service: 'ses',
      region: 'us-west-2',
      headers: { 'X-Amz-Date': '20240102T030405Z', ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    },
    credentials,
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(out.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const request: SigV4Request = {
    method: out.method ?? 'GET',
    url: out.path ?? '/',
    headers,
    headersDistinct: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body: Buffer.from(init.body ?? ''),
  };
  return request;
}

describe('verifySigV4', () => {
  it.each([
    '/ses/v2/email/outbound-emails',
    '/v2/email/identities/ann%40example.org',
    "/v2/email/templates/it's%20(mine)*",
    '/v2/email/suppression/addresses?NextToken=a%2Bb%3D&PageSize=10&Reasons=BOUNCE&Reasons=COMPLAINT',
    '/v2/email/contact-lists/a/contacts?Filter=x%20y&empty=',
  ])('accepts what aws4 signs for %s', (path) => {
    expect(verifySigV4(signed(path), credentials, options)).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      region: 'us-west-2',
    });
  });

  it('canonicalises header values as the signer did (trimmed, inner runs of spaces collapsed)', () => {
    const request = signed('/v2/email/account', { headers: { 'X-Custom': '  a   b  ' } });
    request.headers['x-custom'] = 'a b';
    request.headersDistinct['x-custom'] = ['a b'];
    expect(() => verifySigV4(request, credentials, options)).not.toThrow();
  });

  it('refuses a changed path, query, header or body', () => {
    const post = () =>
      signed('/v2/email/outbound-emails', {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'Content-Type': 'application/json' },
      });
    const changes: Array<(r: SigV4Request) => void> = [
      (r) => {
        r.url = '/v2/email/outbound-email';
      },
      (r) => {
        r.url += '?x=1';
      },
      (r) => {
        r.headersDistinct['content-type'] = ['text/plain'];
      },
      (r) => {
        r.body = Buffer.from('{"a":2}');
      },
      (r) => {
        r.method = 'PUT';
      },
    ];
    for (const change of changes) {
      const request = post();
      expect(() => verifySigV4(request, credentials, options)).not.toThrow();
      change(request);
      expect(() => verifySigV4(request, credentials, options)).toThrow(
        expect.objectContaining({ status: 403, type: 'SignatureDoesNotMatch' }),
      );
    }
  });

  it('refuses another service, a scope date that is not the x-amz-date, and an unsigned Host', () => {
    const request = signed('/v2/email/account');
    expect(() => verifySigV4(request, credentials, { ...options, service: 'sqs' })).toThrow(
      "Credential should be scoped to correct service: 'sqs'.",
    );
    request.headers.authorization = request.headers.authorization!.replace('/20240102/', '/20240101/');
    expect(() => verifySigV4(request, credentials, options)).toThrow(
      /^Date in Credential scope does not match/,
    );
    const noHost = signed('/v2/email/account');
    noHost.headers.authorization = noHost.headers.authorization!.replace(
      'SignedHeaders=host;',
      'SignedHeaders=',
    );
    expect(() => verifySigV4(noHost, credentials, options)).toThrow(
      expect.objectContaining({ status: 400, type: 'IncompleteSignatureException' }),
    );
  });

  it('allows 15 minutes of clock skew and no more', () => {
    const request = signed('/v2/email/account');
    expect(() =>
      verifySigV4(request, credentials, { ...options, now: signedAt + 15 * 60_000 }),
    ).not.toThrow();
    expect(() =>
      verifySigV4(request, credentials, { ...options, now: signedAt - 15 * 60_000 }),
    ).not.toThrow();
    expect(() =>
      verifySigV4(request, credentials, { ...options, now: signedAt + 15 * 60_000 + 1000 }),
    ).toThrow(SigV4Error);
    expect(() =>
      verifySigV4(request, credentials, { ...options, now: signedAt - 15 * 60_000 - 1000 }),
    ).toThrow(/^Signature not yet current/);
  });
});
