import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImapSession } from '../incoming/imapSession';
import { openPop3Session } from '../incoming/pop3Session';
import type { IncomingParsed, OutgoingParsed } from '../schemas/account';
import type { SaslMechanism } from '../schemas/parts';
import { redact } from '../security/redact';
import type { MailTransport, OutgoingMail } from '../transport/types';
import { OAuthTokenSource } from '../transports/smtp/oauthTokens';
import type { SmtpSettings } from '../transports/smtp/settings';
import { createSmtpDebugTransport, createSmtpTransport } from '../transports/smtp/transport';
import { classifyError } from './classify';
import { runConnectionTest } from './engine';
import type { Credentials, TestEnv } from './env';
import { StepRecorder } from './runner';
import { pickBearerMechanism } from './sasl/bearer';
import { engineOptions } from './testkit';
import { Transcript } from './transcript';

// XOAUTH2 and OAUTHBEARER (RFC 7628) on SMTP, IMAP and POP3 against the mock with OAuth on: the
// connection test names the mechanism, a send is delivered, a fetch reads the mailbox, a refused
// token fails as `auth` with no token anywhere, and `auto` follows the server's advertisement.

const DOMAIN = 'oauth.mock.test';
const timeouts = { connectMs: 10_000, greetingMs: 10_000, commandMs: 10_000 };
const options = () => ({ ...engineOptions(), config: { ...engineOptions().config, timeouts } });

type Protocol = 'smtp' | 'imap' | 'pop3';
type Mechanisms = Array<'XOAUTH2' | 'OAUTHBEARER'>;

/** Servers that advertise both mechanisms, only XOAUTH2 (as Microsoft 365), only OAUTHBEARER. */
const servers: Record<'both' | 'xoauth2' | 'oauthbearer', Mechanisms> = {
  both: ['XOAUTH2', 'OAUTHBEARER'],
  xoauth2: ['XOAUTH2'],
  oauthbearer: ['OAUTHBEARER'],
};
const mocks = {} as Record<keyof typeof servers, MockMailServer>;

beforeAll(async () => {
  for (const [name, mechanisms] of Object.entries(servers)) {
    mocks[name as keyof typeof servers] = await startMockMailServer({
      smtpsPort: false,
      imapsPort: false,
      oauth: { domains: [DOMAIN], mechanisms },
    });
  }
});
afterAll(async () => {
  for (const mock of Object.values(mocks)) await mock?.close();
});

let n = 0;
/** A fresh identity with a grant of its own (refresh tokens rotate; tests must not share one). */
function signIn(mock: MockMailServer) {
  const identity = `user${++n}@${DOMAIN}`;
  const t = mock.oauth.grant({ identity });
  return { identity, accessToken: t.access_token, refreshToken: t.refresh_token ?? '' };
}

const oauth2 = (mock: MockMailServer, username: string, refreshToken: string, mechanism?: SaslMechanism) => ({
  method: 'oauth2' as const,
  username,
  clientId: 'mock-client',
  refreshToken,
  tokenUrl: `${mock.httpUrl}/oauth/token`,
  ...(mechanism ? { mechanism } : {}),
});

function part(
  mock: MockMailServer,
  protocol: Protocol,
  auth: ReturnType<typeof oauth2>,
): OutgoingParsed | IncomingParsed {
  const common = { host: '127.0.0.1', security: 'none' as const, allowInvalidCertificates: true, auth };
  if (protocol === 'smtp') {
    return {
      transport: 'smtp',
      ...common,
      port: mock.smtpPort,
      from: { address: auth.username },
      fromFilter: [],
      sendMode: 'queued',
      rateLimitPerMinute: 0,
    };
  }
  return {
    protocol,
    ...common,
    port: protocol === 'imap' ? mock.imapPort : mock.pop3Port,
    mailbox: 'INBOX',
    afterFetch: 'keep',
    pollIntervalSec: 300,
  } as IncomingParsed;
}

/** A connection test with the access token handed in (a saved account's token source). */
async function connectionTest(
  mock: MockMailServer,
  protocol: Protocol,
  mechanism: SaslMechanism | undefined,
  token?: string,
) {
  const who = signIn(mock);
  const accessToken = token ?? who.accessToken;
  const out = await runConnectionTest(
    protocol === 'smtp' ? 'outgoing' : 'incoming',
    part(mock, protocol, oauth2(mock, who.identity, who.refreshToken, mechanism)),
    { ...options(), accessToken: async () => accessToken },
  );
  const auth = out.result.steps.find((s) => s.step === 'authenticate');
  return { ...out, auth, accessToken, identity: who.identity };
}

const verb = (protocol: Protocol) => (protocol === 'imap' ? 'AUTHENTICATE' : 'AUTH');

/** Nothing of the token: not itself, not in base64, not the SASL message that carried it. */
function expectNoToken(text: string, token: string) {
  expect(text).not.toContain(token);
  expect(text).not.toContain(Buffer.from(token).toString('base64').slice(0, 24));
  expect(text).not.toMatch(/auth=Bearer [^*\s]/);
}

describe('the mechanism an OAuth2 account uses', () => {
  it('auto is XOAUTH2 unless the server offers OAUTHBEARER and not XOAUTH2; a setting forces one', () => {
    expect(pickBearerMechanism('auto', ['PLAIN', 'XOAUTH2', 'OAUTHBEARER'])).toBe('XOAUTH2');
    expect(pickBearerMechanism(undefined, ['PLAIN', 'OAUTHBEARER'])).toBe('OAUTHBEARER');
    expect(pickBearerMechanism('auto', ['PLAIN'])).toBe('XOAUTH2');
    expect(pickBearerMechanism('oauthbearer', ['XOAUTH2'])).toBe('OAUTHBEARER');
    expect(pickBearerMechanism('xoauth2', ['OAUTHBEARER'])).toBe('XOAUTH2');
  });
});

describe.each(['smtp', 'imap', 'pop3'] as const)('connection test over %s', (protocol) => {
  it.each([
    ['xoauth2', 'both', 'XOAUTH2'],
    ['oauthbearer', 'both', 'OAUTHBEARER'],
    ['auto', 'both', 'XOAUTH2'],
    ['auto', 'xoauth2', 'XOAUTH2'],
    ['auto', 'oauthbearer', 'OAUTHBEARER'],
  ] as const)('setting %s, server offering %s: passes with %s', async (setting, server, expected) => {
    const out = await connectionTest(mocks[server], protocol, setting);
    expect(out.result.error).toBeUndefined();
    expect(out.auth).toMatchObject({ ok: true, detail: { mechanism: expected, username: out.identity } });
    const sent = protocol === 'imap' ? `AUTHENTICATE ${expected} *****` : `AUTH ${expected} *****`;
    expect(out.transcript.filter((l) => l.startsWith('C: ') && l.endsWith(sent))).toHaveLength(1);
    expectNoToken(JSON.stringify([out.result, out.transcript]), out.accessToken);
  });

  it.each(['xoauth2', 'oauthbearer'] as const)(
    'a refused token over %s fails as auth, with the server error and no token in the transcript',
    async (setting) => {
      const token = `ya29.not-issued-${protocol}-${setting}-0123456789`;
      const out = await connectionTest(mocks.both, protocol, setting, token);
      expect(out.result.error?.code).toBe('auth');
      expect(out.auth).toMatchObject({
        ok: false,
        detail: {
          mechanism: setting.toUpperCase(),
          serverError: { status: setting === 'xoauth2' ? '401' : 'invalid_token' },
        },
      });
      // The client answered the error challenge (an empty line, or ^A), and the server then failed it.
      const text = out.transcript.join('\n');
      expect(text).toMatch(
        protocol === 'smtp'
          ? /S: 535 /
          : protocol === 'imap'
            ? /NO \[AUTHENTICATIONFAILED\]/
            : /-ERR \[AUTH\]/,
      );
      expectNoToken(JSON.stringify([out.result, out.transcript]), token);
      expect(out.secrets).toContain(token);
    },
  );

  it('a forced mechanism the server does not offer fails as auth, naming it', async () => {
    const out = await connectionTest(mocks.xoauth2, protocol, 'oauthbearer');
    expect(out.result.error).toMatchObject({ code: 'auth', message: expect.stringContaining('OAUTHBEARER') });
    expect(out.transcript.join('\n')).not.toContain(`${verb(protocol)} OAUTHBEARER`);
  });
});

describe('connection test with a refresh token', () => {
  it('trades it at the token endpoint and signs in with OAUTHBEARER', async () => {
    const who = signIn(mocks.oauthbearer);
    const { result, transcript } = await runConnectionTest(
      'outgoing',
      part(mocks.oauthbearer, 'smtp', oauth2(mocks.oauthbearer, who.identity, who.refreshToken)),
      { ...options(), secrets: [who.refreshToken] },
    );
    expect(result.error).toBeUndefined();
    expect(result.steps.map((s) => s.step)).toContain('token');
    expect(transcript).toContain('C: AUTH OAUTHBEARER *****');
    expect(JSON.stringify({ result, transcript })).not.toContain(who.refreshToken);
  });
});

function smtpSettings(mock: MockMailServer, mechanism: SaslMechanism | undefined) {
  const who = signIn(mock);
  const s = part(mock, 'smtp', oauth2(mock, who.identity, who.refreshToken, mechanism)) as SmtpSettings;
  const tokens = new OAuthTokenSource(
    { tokenUrl: `${mock.httpUrl}/oauth/token`, clientId: 'mock-client', refreshToken: who.refreshToken },
    { timeoutMs: timeouts.commandMs, allowPrivateHosts: true },
  );
  return { s, tokens, identity: who.identity };
}

const mail = (from: string, subject: string): OutgoingMail => ({
  messageId: `<${subject.replace(/\W/g, '-')}@mailroom.test>`,
  from: { address: from },
  to: ['dora@example.org'],
  cc: [],
  bcc: [],
  subject,
  text: 'Hello',
  headers: {},
  attachments: [],
  envelopeTo: ['dora@example.org'],
});

describe('sending', () => {
  it.each([
    ['xoauth2', 'both', 'XOAUTH2'],
    ['oauthbearer', 'both', 'OAUTHBEARER'],
    ['auto', 'both', 'XOAUTH2'],
    ['auto', 'oauthbearer', 'OAUTHBEARER'],
  ] as const)('setting %s, server offering %s: delivered over %s', async (setting, server, expected) => {
    const mock = mocks[server];
    const { s, tokens, identity } = smtpSettings(mock, setting);
    const subject = `Bearer ${setting} ${server} ${n}`;
    const transport: MailTransport = createSmtpDebugTransport(s, timeouts, '127.0.0.1', tokens);
    const outcome = await transport.send(mail(identity, subject));
    expect(outcome).toMatchObject({ ok: true });
    expect(mock.messages({ subject })).toMatchObject([{ authUser: identity }]);
    const text = (outcome.transcript ?? []).join('\n');
    expect(text).toContain(`AUTH ${expected} /* secret */`);
    expectNoToken(text, tokens.current() ?? '');
    transport.close();
  });

  it('a pooled transport sends over OAUTHBEARER too', async () => {
    const { s, tokens, identity } = smtpSettings(mocks.both, 'oauthbearer');
    const transport = createSmtpTransport(s, timeouts, { maxConnections: 1 }, '127.0.0.1', tokens);
    try {
      for (const subject of ['Pooled 1', 'Pooled 2']) {
        expect(await transport.send(mail(identity, `${subject} ${n}`))).toMatchObject({ ok: true });
      }
      expect(mocks.both.messages({ subject: `Pooled 1 ${n}` })).toHaveLength(1);
    } finally {
      transport.close();
    }
  });

  it.each(['xoauth2', 'oauthbearer'] as const)(
    'a revoked grant (%s): one renewal, then an auth failure awaiting reconnect, no token in the transcript',
    async (setting) => {
      const { s, tokens, identity } = smtpSettings(mocks.both, setting);
      const transport = createSmtpDebugTransport(s, timeouts, '127.0.0.1', tokens);
      expect(await transport.send(mail(identity, `Before revoke ${setting}`))).toMatchObject({ ok: true });
      const token = tokens.current() ?? '';
      mocks.both.oauth.revoke({ identity });
      const outcome = await transport.send(mail(identity, `After revoke ${setting}`));
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      // (awaitsReconnect needs the account's shared token source: see oauth/oauth.test.ts.)
      expect(outcome.error).toMatchObject({ code: 'auth' });
      const text = (outcome.transcript ?? []).join('\n');
      // The error challenge was answered: the server's 535 is there.
      expect(text).toMatch(/535 5\.7\.8/);
      expectNoToken(text, token);
      expectNoToken(redact(JSON.stringify(outcome.error)), token);
    },
  );
});

function fetchEnv(): TestEnv {
  const transcript = new Transcript();
  return {
    config: { allowPrivateHosts: true, timeouts },
    steps: new StepRecorder({}, transcript.secrets),
    transcript,
  };
}

/** A fetch session as fetchAccount opens it: imapflow for IMAP, the connection steps for POP3. */
function openFetch(
  protocol: 'imap' | 'pop3',
  env: TestEnv,
  p: IncomingParsed & { port: number },
  credentials: Credentials,
) {
  if (protocol === 'pop3') return openPop3Session(env, p, credentials);
  return openImapSession({
    dest: { hostname: '127.0.0.1', addresses: [{ address: '127.0.0.1', family: 4 }] },
    part: p,
    credentials,
    cursor: { mailbox: null, uidValidity: null, lastUid: 0 },
    timeouts,
    trace: (l) => env.transcript.note(l),
  });
}

async function deliverTo(mock: MockMailServer, to: string, subject: string) {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
  await t.sendMail({ from: 'customer@example.net', to, subject, text: 'Hi' });
  t.close();
}

describe.each(['imap', 'pop3'] as const)('fetching over %s', (protocol) => {
  it.each([
    ['oauthbearer', 'both', 'OAUTHBEARER'],
    ['xoauth2', 'both', 'XOAUTH2'],
    ['auto', 'oauthbearer', 'OAUTHBEARER'],
  ] as const)(
    'setting %s, server offering %s: reads the mailbox over %s',
    async (setting, server, expected) => {
      const mock = mocks[server];
      const who = signIn(mock);
      await deliverTo(mock, who.identity, `Fetch ${protocol} ${setting}`);
      const p = part(
        mock,
        protocol,
        oauth2(mock, who.identity, who.refreshToken, setting),
      ) as IncomingParsed & {
        port: number;
      };
      const credentials = {
        kind: 'oauth2' as const,
        username: who.identity,
        accessToken: who.accessToken,
        mechanism: setting,
      };
      const env = fetchEnv();
      env.transcript.secrets.addBearer(who.identity, who.accessToken);
      const session = await openFetch(protocol, env, p, credentials);
      try {
        const got = await session.next(10, async () => new Set());
        expect(got).toHaveLength(1);
        expect(got[0]!.source.toString()).toContain(`Subject: Fetch ${protocol} ${setting}`);
      } finally {
        await session.close();
      }
      const text = env.transcript.text().join('\n');
      expect(text).toContain(
        protocol === 'imap' ? `signed in with AUTHENTICATE ${expected}` : `C: AUTH ${expected} *****`,
      );
      expectNoToken(text, who.accessToken);
    },
  );

  it('a refused token fails the fetch as auth', async () => {
    const mock = mocks.both;
    const who = signIn(mock);
    mock.oauth.revoke({ identity: who.identity });
    const p = part(
      mock,
      protocol,
      oauth2(mock, who.identity, who.refreshToken, 'oauthbearer'),
    ) as IncomingParsed & {
      port: number;
    };
    const credentials = {
      kind: 'oauth2' as const,
      username: who.identity,
      accessToken: who.accessToken,
      mechanism: 'oauthbearer' as const,
    };
    const env = fetchEnv();
    const failed = await openFetch(protocol, env, p, credentials).then(
      () => null,
      (err: unknown) => err,
    );
    expect(classifyError(failed, { stage: 'auth' }).code).toBe('auth');
  });
});
