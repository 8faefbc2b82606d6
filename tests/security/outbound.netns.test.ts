// Findings 1, 2 and 8 of the security audit: send-time requests must not escape the destination
// guard. Runs in a network namespace (security/netns.sh) where 44.0.0.1 is "the internet" and
// 127.0.0.1 a private address the product must not reach while MAILROOM_ALLOW_PRIVATE_HOSTS=false.
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, listener, PUBLIC_A, tlsFixture } from './support/servers';
import { startTarget, type Target } from './support/target';

beforeAll(() => {
  if (!process.env.MAILROOM_TEST_NETNS) throw new Error('run through security/netns.sh');
});

let target: Target | undefined;
const opened: Listener[] = [];
let mock: MockMailServer | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
  for (const l of opened.splice(0)) await l.close();
  await mock?.close();
  mock = undefined;
});

async function open(opts: Parameters<typeof listener>[0]): Promise<Listener> {
  const l = await listener(opts);
  opened.push(l);
  return l;
}

const API_KEY = 'key-3f9a1c77e2b84d0f9e6a5b4c3d2e1f00';

async function sendThroughMailgun(t: Target, baseUrl: string) {
  const account = await t.admin.call('POST', '/api/v1/accounts', {
    name: 'Impostor Mailgun',
    outgoing: {
      transport: 'mailgun',
      domain: 'mg.example.com',
      apiKey: API_KEY,
      baseUrl,
      from: { address: 'sales@example.com' },
      sendMode: 'immediate',
    },
  });
  expect(account.status, account.text).toBe(201);
  const sent = await t.admin.call('POST', '/api/v1/messages', {
    accountId: account.body.id,
    to: ['customer@example.net'],
    subject: 'Hello',
    text: 'Hello',
    mode: 'immediate',
  });
  const message = await t.admin.call('GET', `/api/v1/messages/${sent.body.id}`);
  return { sent, message };
}

describe('a Mailgun send never follows a redirect to a private address', () => {
  for (const status of [302, 307]) {
    it(`answers ${status} → 169.254.169.254-like internal address: not followed, nothing leaks`, async () => {
      const trap = await open({ handler: (_req, res) => res.end('ami-id instance-secret-metadata') });
      const impostor = await open({
        host: PUBLIC_A,
        tls: true,
        handler: (_req, res) => {
          res.writeHead(status, { location: `${trap.url}/latest/meta-data/` });
          res.end();
        },
      });
      target = await startTarget();
      const { message } = await sendThroughMailgun(target, impostor.url);
      // The public API host was asked once; the private address behind the redirect never.
      expect(impostor.seen.length).toBeGreaterThan(0);
      expect(trap.seen).toEqual([]);
      expect(message.text).not.toContain('instance-secret-metadata');
      expect(message.body.status).not.toBe('sent');
    });
  }
});

describe('the OAuth2 token URL is checked at send time', () => {
  for (const tls of [false, true]) {
    it(`an SMTP account whose token URL is a loopback ${tls ? 'https' : 'http'} listener never posts its secrets there`, async () => {
      const trap = await open({
        tls,
        handler: (_req, res) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ access_token: 'stolen', expires_in: 3600, token_type: 'Bearer' }));
        },
      });
      mock = await startMockMailServer({
        host: PUBLIC_A,
        smtpsPort: false,
        pop3Port: false,
        httpPort: false,
      });
      target = await startTarget();
      const account = await target.admin.call('POST', '/api/v1/accounts', {
        name: 'OAuth relay',
        outgoing: {
          transport: 'smtp',
          host: PUBLIC_A,
          port: mock.smtpPort,
          security: 'none',
          auth: {
            method: 'oauth2',
            username: 'sales@example.com',
            clientId: 'client-1',
            clientSecret: 'client-secret-9c2d7e1a',
            refreshToken: 'refresh-token-5b8f3a60',
            tokenUrl: `${trap.url}/token`,
          },
          from: { address: 'sales@example.com' },
        },
      });
      expect(account.status, account.text).toBe(201);
      const sent = await target.admin.call('POST', '/api/v1/messages', {
        accountId: account.body.id,
        to: ['customer@example.net'],
        subject: 'Hello',
        text: 'Hello',
        mode: 'immediate',
      });
      expect(trap.seen).toEqual([]);
      expect(mock.messages()).toHaveLength(0);
      // An immediate send that fails answers 502 with the message, deferred, in class `blocked`.
      expect(sent.status, sent.text).toBe(502);
      expect(sent.body).toMatchObject({ errorClass: 'blocked', messageStatus: 'deferred' });
      expect(sent.text).not.toContain('client-secret-9c2d7e1a');
      expect(sent.text).not.toContain('refresh-token-5b8f3a60');
    });
  }
});

describe('a public host works through the door', () => {
  it('a Mailgun API on a public address is reached over https, once, with the key', async () => {
    const api = await open({
      host: PUBLIC_A,
      tls: true,
      handler: (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ id: '<1@mg.example.com>', message: 'Queued. Thank you.' }));
      },
    });
    target = await startTarget();
    const { message } = await sendThroughMailgun(target, api.url);
    expect(message.body.status, message.text).toBe('sent');
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`api:${API_KEY}`).toString('base64')}`,
    );
    expect(tlsFixture.ca).toContain('BEGIN CERTIFICATE');
  });
});
