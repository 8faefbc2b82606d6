import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryLogs } from '../logs';
import type { OutgoingParsed } from '../schemas/account';
import { createTestEnv, type TestEnv } from '../testing';
import { runConnectionTest } from './engine';
import { testConnection } from './testConnection';
import { engineOptions, onLines, startServer, type TestServer } from './testkit';

const USER = 'bob';
const PASSWORD = 'S3cretPassw0rd!';
const TOKEN = 'ya29.echoed-access-token-77';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** Every way the password or token could be read back from the result or the log. */
const LEAKS = [
  PASSWORD,
  b64(PASSWORD),
  b64(`\0${USER}\0${PASSWORD}`),
  b64(`${USER}\0${PASSWORD}`),
  TOKEN,
  b64(TOKEN),
  b64(`user=${USER}\x01auth=Bearer ${TOKEN}\x01\x01`),
];

/** An SMTP server that echoes what the client sent it in its AUTH replies: refusing, or accepting with `accept`. */
function echoingSmtp(accept = false) {
  return (socket: Socket) => {
    const say = (s: string) => socket.write(`${s}\r\n`);
    onLines(socket, (line) => {
      const [verb = '', mech = '', payload = ''] = line.split(' ');
      if (verb === 'EHLO') return say('250-echo.test\r\n250 AUTH PLAIN XOAUTH2');
      if (verb === 'QUIT') return socket.end('221 bye\r\n');
      if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET') return say('250 ok');
      if (verb !== 'AUTH') return say('502 no');
      const decoded = Buffer.from(payload, 'base64').toString('utf8');
      const [, user = '', pass = ''] = decoded.split('\0');
      const echo =
        mech === 'PLAIN'
          ? `[ ${user} ${pass} ] raw=${payload} pair=${b64(`${user}\0${pass}`)} pw=${b64(pass)}`
          : `token=${decoded.split('Bearer ')[1]?.split('\x01')[0]} raw=${payload}`;
      return say(accept ? `235 2.7.0 welcome ${echo}` : `535 5.7.8 ${echo}`);
    });
    say('220 echo.test ESMTP');
  };
}

function smtp(port: number, auth: Extract<OutgoingParsed, { transport: 'smtp' }>['auth']): OutgoingParsed {
  return {
    transport: 'smtp',
    host: '127.0.0.1',
    port,
    security: 'none',
    allowInvalidCertificates: false,
    auth,
    from: { address: 'bob@example.com' },
    fromFilter: [],
    sendMode: 'queued',
    rateLimitPerMinute: 0,
  };
}

const password = { method: 'password', username: USER, password: PASSWORD } as const;

function expectNoLeak(value: unknown): void {
  const json = JSON.stringify(value);
  for (const leak of LEAKS) expect(json).not.toContain(JSON.stringify(leak).slice(1, -1));
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('secrets a server echoes back', () => {
  it('are masked in a failed step, the error and the transcript', async () => {
    server = await startServer(echoingSmtp());
    const out = await runConnectionTest(
      'outgoing',
      smtp(server.port, password),
      engineOptions({ secrets: [PASSWORD] }),
    );
    expect(out.result.ok).toBe(false);
    const auth = out.result.steps.find((s) => s.step === 'authenticate');
    expect(auth?.ok).toBe(false);
    expect(auth?.detail).toMatchObject({ reply: expect.stringContaining('[ bob ***** ] raw=*****') });
    expect(out.result.error?.reply).toContain('raw=*****');
    expectNoLeak(out.result);
    expectNoLeak(out.transcript);
  });

  it('are masked in a step that succeeded', async () => {
    server = await startServer(echoingSmtp(true));
    const { result } = await runConnectionTest(
      'outgoing',
      smtp(server.port, password),
      engineOptions({ secrets: [PASSWORD] }),
    );
    expect(result.steps.find((s) => s.step === 'authenticate')).toMatchObject({
      ok: true,
      detail: { reply: expect.stringContaining('welcome [ bob ***** ]') },
    });
    expectNoLeak(result);
  });

  it('include the OAuth2 access token learned during the test', async () => {
    const tokens: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: TOKEN, token_type: 'Bearer' }));
    });
    await new Promise<void>((r) => tokens.listen(0, '127.0.0.1', r));
    try {
      server = await startServer(echoingSmtp());
      const tokenUrl = `http://127.0.0.1:${(tokens.address() as { port: number }).port}/token`;
      const out = await runConnectionTest(
        'outgoing',
        smtp(server.port, {
          method: 'oauth2',
          username: USER,
          clientId: 'mailroom',
          refreshToken: 'refresh-echo-1',
          tokenUrl,
        }),
        engineOptions({ secrets: ['refresh-echo-1'] }),
      );
      expect(out.result.error?.code).toBe('auth');
      expect(out.result.error?.reply).toContain('token=*****');
      expect(out.secrets).toContain(TOKEN);
      expectNoLeak({ result: out.result, transcript: out.transcript });
    } finally {
      await new Promise<void>((r) => tokens.close(() => r()));
    }
  });
});

describe('testConnection on pglite, with a server echoing the password', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('pglite', { timeouts: { connectMs: 1000, greetingMs: 500, commandMs: 1000 } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('keeps the password and its PLAIN base64 out of the response and every Main Log row', async () => {
    server = await startServer(echoingSmtp());
    const result = await testConnection({
      ctx: env.ctx,
      input: { direction: 'outgoing', outgoing: smtp(server.port, password) },
    });
    expect(result.ok).toBe(false);
    expectNoLeak(result);
    const logs = await queryLogs({ ctx: env.ctx, input: { pageSize: 100 } });
    const authRow = logs.items.find((l) => l.source === 'smtp_auth');
    expect(authRow?.context).toMatchObject({
      detail: { reply: expect.stringContaining('[ bob ***** ] raw=*****') },
    });
    expect(logs.items.some((l) => l.source === 'connection_test')).toBe(true);
    expectNoLeak(logs.items);
  });
});
