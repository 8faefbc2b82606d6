// The device flow shows the provider's `verification_uri` (and `verification_uri_complete`) as a link in
// the account form. A provider is whatever endpoints the admin typed (a custom provider), or one that was
// compromised: a `javascript:` or `data:` "URL" there must never reach the page as a link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, listener } from './support/servers';
import { startTarget, type Target } from './support/target';

let target: Target;
let provider: Listener;
let answer: Record<string, unknown> = {};

beforeAll(async () => {
  target = await startTarget({ MAILROOM_ALLOW_PRIVATE_HOSTS: 'true' });
  provider = await listener({
    handler: (req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url.startsWith('/device')) res.end(JSON.stringify(answer));
      else res.end(JSON.stringify({ error: 'authorization_pending' }));
    },
  });
}, 120_000);

afterAll(async () => {
  await target?.close();
  await provider?.close();
});

const start = () =>
  target.admin.call('POST', '/api/v1/oauth/authorizations', {
    endpoints: {
      tokenEndpoint: `${provider.url}/token`,
      deviceAuthorizationEndpoint: `${provider.url}/device`,
    },
    clientId: 'device-uri',
    flow: 'device',
  });

const device = (over: Record<string, unknown>) => ({
  device_code: 'dc',
  user_code: 'WDJB-MJHT',
  verification_uri: 'https://provider.test/device',
  expires_in: 600,
  interval: 60,
  ...over,
});

describe('a device flow shows only http(s) verification links', () => {
  it.each([
    'javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'JaVaScRiPt:alert(1)',
    '//provider.test/device',
  ])('refuses a verification_uri of %s', async (uri) => {
    answer = device({ verification_uri: uri });
    const r = await start();
    expect(r.status, r.text).toBeGreaterThanOrEqual(400);
    expect(r.text).not.toContain('alert(');
  });

  it('drops a verification_uri_complete that is not http(s), keeps the rest', async () => {
    answer = device({ verification_uri_complete: 'javascript:alert(1)' });
    const r = await start();
    expect(r.status, r.text).toBe(201);
    expect(r.body.verificationUri).toBe('https://provider.test/device');
    expect(r.body.verificationUriComplete).toBeUndefined();
  });

  it('keeps an https verification link with its code', async () => {
    answer = device({ verification_uri_complete: 'https://provider.test/device?code=WDJB-MJHT' });
    const r = await start();
    expect(r.status, r.text).toBe(201);
    expect(r.body.verificationUriComplete).toBe('https://provider.test/device?code=WDJB-MJHT');
  });
});
