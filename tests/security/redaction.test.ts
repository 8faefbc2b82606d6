// Findings 4, 7 (token prefixes in debug transcripts) and 8 (verification codes in transcripts) of the
// security audit: a server that echoes credentials in its replies, a token endpoint whose answer nodemailer
// logs, and a verification mail in a debug transcript. Nothing of the account's secrets (in any encoding,
// not even a prefix) and no verification code may reach what a viewer can read.
import { createServer, type Server, type Socket } from 'node:net';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Listener, listener } from './support/servers';
import { type Client, startTarget, type Target } from './support/target';

let target: Target;
let viewer: Client;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  target = await startTarget({ MAILROOM_ALLOW_PRIVATE_HOSTS: 'true' });
  viewer = await target.client('viewer');
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await target.close();
});

async function open(opts: Parameters<typeof listener>[0]): Promise<Listener> {
  const l = await listener(opts);
  closers.push(() => l.close());
  return l;
}

/**
 * An SMTP server that refuses every AUTH with a 535 echoing what it was sent: the payload as sent, the
 * payload alone, and decoded (NULs and ^A as spaces), as careless servers and proxies do.
 */
async function echoingSmtp(): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.write('220 echo.test ESMTP\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let nl = buffered.indexOf('\r\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 2);
        nl = buffered.indexOf('\r\n');
        const [verb = ''] = line.split(' ');
        if (/^(EHLO|HELO)$/i.test(verb)) {
          socket.write('250-echo.test\r\n250-AUTH PLAIN LOGIN XOAUTH2\r\n250 SIZE 1000000\r\n');
        } else if (/^AUTH$/i.test(verb)) {
          const payload = line.split(' ')[2] ?? '';
          const decoded = Buffer.from(payload, 'base64')
            .toString('utf8')
            .split('\0')
            .join(' ')
            .split('\x01')
            .join(' ');
          // An XOAUTH2 token alone, outside any form Mailroom could recognise by shape.
          const bare = /Bearer (\S+)/.exec(decoded)?.[1] ?? '-';
          socket.write(
            `535-5.7.8 ${line} rejected\r\n535-5.7.8 payload ${payload}\r\n535-5.7.8 token ${bare}\r\n535 5.7.8 decoded ${decoded}\r\n`,
          );
        } else if (/^QUIT$/i.test(verb)) {
          socket.end('221 bye\r\n');
        } else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  closers.push(
    () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  );
  return (server.address() as { port: number }).port;
}

/**
 * Every way a secret could still be read: clear, base64 (padded or not, url-safe), URL-encoded, and for the
 * secrets themselves (not the strings built from them, which start with a username) a 6-character start.
 */
function leaksOf(text: string, secrets: string[], built: string[] = []): string[] {
  const found: string[] = [];
  // Base64 runs decoded too: a payload masked only in part still gives its start away.
  const decoded = [...text.matchAll(/[A-Za-z0-9+/_-]{8,}={0,2}/g)]
    .map((m) => Buffer.from(m[0], 'base64').toString('utf8'))
    .join('\n');
  for (const s of [...secrets, ...built]) {
    const b64 = Buffer.from(s).toString('base64');
    const forms = [
      s,
      b64,
      b64.replace(/=+$/, ''),
      Buffer.from(s).toString('base64url'),
      encodeURIComponent(s),
    ];
    for (const f of new Set(forms))
      if (text.includes(f)) found.push(`${JSON.stringify(f)} (a form of ${JSON.stringify(s)})`);
  }
  for (const s of secrets) {
    const start = s.slice(0, 6);
    if (text.includes(start)) found.push(`the start ${JSON.stringify(start)} of ${s}`);
    if (decoded.includes(start)) found.push(`the start ${JSON.stringify(start)} of ${s}, inside base64`);
  }
  return found;
}

/** Everything a viewer (and the admin who sent) can read about an account and one of its messages. */
async function readable(accountId: string, messageId: string | undefined, extra: string[] = []) {
  const texts = [...extra];
  const paths = [
    `/api/v1/accounts/${accountId}`,
    `/api/v1/accounts/${accountId}/timeline`,
    `/api/v1/logs?accountId=${accountId}&pageSize=500`,
    ...(messageId ? [`/api/v1/messages/${messageId}`] : []),
  ];
  for (const path of paths) {
    const r = await viewer.call('GET', path);
    expect(r.status, `${path}: ${r.text}`).toBe(200);
    texts.push(`${path}\n${r.text}`);
  }
  return texts.join('\n');
}

async function createAccount(body: Record<string, unknown>): Promise<string> {
  const r = await target.admin.call('POST', '/api/v1/accounts', body);
  expect(r.status, r.text).toBe(201);
  return r.body.id as string;
}

async function sendImmediate(accountId: string) {
  const sent = await target.admin.call('POST', '/api/v1/messages', {
    accountId,
    to: ['customer@example.net'],
    subject: 'Hello',
    text: 'Hello',
    mode: 'immediate',
  });
  const messageId = (sent.body?.messageId ?? sent.body?.id) as string | undefined;
  expect(messageId, sent.text).toBeTruthy();
  return { sent, messageId };
}

describe('server replies are stored redacted', () => {
  it('a 535 echoing the AUTH PLAIN line leaves no trace of the password', async () => {
    const port = await echoingSmtp();
    const username = 'sales@example.com';
    const password = 'Zq8Kv3-s3cr3t-pw';
    const id = await createAccount({
      name: 'Echo PLAIN',
      debug: true,
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port,
        security: 'none',
        auth: { method: 'password', username, password },
        from: { address: username },
      },
    });
    const { sent, messageId } = await sendImmediate(id);
    const tested = await target.admin.call('POST', `/api/v1/accounts/${id}/test`, { direction: 'outgoing' });
    const text = await readable(id, messageId, [sent.text, tested.text]);
    // The send did fail on the echoed 535 (the test is about what is kept of it).
    expect(text).toContain('535');
    const plain = `\0${username}\0${password}`;
    expect(leaksOf(text, [password], [plain, `${username}\0${password}`])).toEqual([]);
  });

  it('an OAuth2 account: no client secret, refresh or access token (nor their prefixes) in replies or the debug transcript', async () => {
    const port = await echoingSmtp();
    const clientSecret = 'Cs4Wq1-client-secret-value';
    const refreshToken = 'Rt7Hn2-refresh-token-value';
    const accessToken = 'Ac9Lm5-access-token-value';
    const rotated = 'Nr3Bx8-rotated-refresh-token';
    const idToken = 'Id6Pq0-id-token-value';
    const tokens = await open({
      handler: (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            access_token: accessToken,
            token_type: 'Bearer',
            expires_in: 3600,
            refresh_token: rotated,
            id_token: idToken,
          }),
        );
      },
    });
    const username = 'oauth@example.com';
    const id = await createAccount({
      name: 'Echo XOAUTH2',
      debug: true,
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port,
        security: 'none',
        auth: {
          method: 'oauth2',
          username,
          clientId: 'mailroom-client',
          clientSecret,
          refreshToken,
          tokenUrl: `${tokens.url}/token`,
        },
        from: { address: username },
      },
    });
    const { sent, messageId } = await sendImmediate(id);
    const tested = await target.admin.call('POST', `/api/v1/accounts/${id}/test`, { direction: 'outgoing' });
    const text = await readable(id, messageId, [sent.text, tested.text]);
    expect(tokens.seen.length).toBeGreaterThan(0);
    const xoauth2 = `user=${username}\x01auth=Bearer ${accessToken}\x01\x01`;
    expect(leaksOf(text, [clientSecret, refreshToken, accessToken, rotated, idToken], [xoauth2])).toEqual([]);
  });

  it('a Mailgun error echoing the Basic credentials is stored masked', async () => {
    const apiKey = 'key-Mg5Tz2e9b84d0f9e6a5b4c3d2e1f00';
    const api = await open({
      handler: (req, res) => {
        res.statusCode = 401;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            message: `Forbidden: Authorization: ${req.headers.authorization} (${Buffer.from(
              (req.headers.authorization ?? '').replace(/^Basic /, ''),
              'base64',
            ).toString('utf8')})`,
          }),
        );
      },
    });
    const id = await createAccount({
      name: 'Echo Mailgun',
      outgoing: {
        transport: 'mailgun',
        domain: 'mg.example.com',
        apiKey,
        baseUrl: api.url,
        from: { address: 'sales@example.com' },
      },
    });
    const { sent, messageId } = await sendImmediate(id);
    const tested = await target.admin.call('POST', `/api/v1/accounts/${id}/test`, { direction: 'outgoing' });
    const text = await readable(id, messageId, [sent.text, tested.text]);
    expect(api.seen.length).toBeGreaterThan(0);
    expect(text).toContain('401');
    expect(leaksOf(text, [apiKey], [`api:${apiKey}`])).toEqual([]);
  });
});

describe('verification codes are not readable by a viewer', () => {
  let mock: MockMailServer;
  beforeEach(async () => {
    mock = await startMockMailServer({
      host: '127.0.0.1',
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      httpPort: false,
      log: () => {},
    });
    closers.push(() => mock.close());
  });

  // A Latin name keeps the body quoted-printable (the code in clear); a long non-Latin one makes it base64.
  for (const name of ['Verified sales outbound', '検証アカウント'.repeat(12)]) {
    it(`the code stays out of the debug transcript and the message (${name.slice(0, 12)}…)`, async () => {
      const id = await createAccount({
        name,
        debug: true,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: mock.smtpPort,
          security: 'none',
          from: { address: 'sales@example.com' },
        },
      });
      const to = `check-${id.slice(-6)}@example.org`;
      const started = await target.admin.call('POST', `/api/v1/accounts/${id}/verification`, { to });
      expect(started.status, started.text).toBe(202);
      const [got] = mock.messages({ to });
      const code = /(\d{6})/.exec(got?.subject ?? '')?.[1];
      expect(code, got?.subject).toBeTruthy();
      const text = await readable(id, started.body.messageId, [started.text]);
      expect(text).toContain('MAIL FROM:<sales@example.com>');
      expect(leaksOf(text, [code!])).toEqual([]);
    });
  }
});
