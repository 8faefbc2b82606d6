import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runConnectionTest } from '../connection/engine';
import { engineOptions, startServer, type TestServer } from '../connection/testkit';
import { resolveDestination } from '../door/destination';
import type { OutgoingMail } from '../transport/types';
import type { MailgunSettings } from '../transports/mailgun/settings';
import { createMailgunTransport } from '../transports/mailgun/transport';
import type { SmtpSettings } from '../transports/smtp/settings';
import { createSmtpTransport } from '../transports/smtp/transport';

/**
 * The same server failing the same way, once for the Test button (Mailroom's own protocol steps) and once
 * for a send (nodemailer, the Mailgun client): both must name it alike and give the same advice.
 */
const USER = 'sales@example.com';
const PASSWORD = 'Paths-Secret-pw-3';
const opts = engineOptions({ secrets: [PASSWORD] });

type Smtp = SmtpSettings;
type Mailgun = MailgunSettings;

const mail: OutgoingMail = {
  messageId: '<paths@example.com>',
  from: { address: USER },
  to: ['someone@example.org'],
  cc: [],
  bcc: [],
  subject: 'paths',
  text: 'paths',
  headers: {},
  attachments: [],
  envelopeTo: ['someone@example.org'],
};

describe('a test and a send of the same failure', () => {
  let mock: MockMailServer;
  let silent: TestServer | undefined;
  beforeAll(async () => {
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      httpPort: 0,
      users: { [USER]: PASSWORD },
      mailgunApiKey: 'key-paths-ok',
    });
  });
  afterAll(async () => {
    await mock?.close();
  });
  afterEach(async () => {
    mock.faults.clear();
    await silent?.close();
    silent = undefined;
  });

  const smtp = (extra: Partial<Smtp> = {}): Smtp => ({
    transport: 'smtp',
    host: '127.0.0.1',
    port: mock.smtpPort,
    security: 'none',
    allowInvalidCertificates: true,
    auth: { method: 'password', username: USER, password: PASSWORD },
    from: { address: USER },
    fromFilter: [],
    sendMode: 'queued',
    rateLimitPerMinute: 0,
    ...extra,
  });

  async function both(part: Smtp) {
    const { result } = await runConnectionTest('outgoing', part, opts);
    const transport = createSmtpTransport(part, opts.config.timeouts, { maxConnections: 1 });
    try {
      const sent = await transport.send(mail);
      return { test: result.error, send: sent.ok ? undefined : sent.error };
    } finally {
      transport.close();
    }
  }

  it.each([
    [
      'a wrong password',
      () => smtp({ auth: { method: 'password', username: USER, password: 'nope-7' } }),
      'auth',
    ],
    ['a closed port', () => smtp({ port: 1 }), 'refused'],
  ] as const)('%s', async (_name, part, cls) => {
    const { test, send } = await both(part());
    expect(test?.code).toBe(cls);
    expect(send).toMatchObject({ code: test?.code, hint: test?.hint });
  });

  it.each([
    [{ stage: 'rcpt', code: 550, message: '5.1.1 No such user here' }, 'rejected'],
    [{ stage: 'rcpt', code: 451, message: '4.7.1 Greylisted, try again' }, 'rejected'],
    [{ stage: 'mail', code: 553, message: '5.7.1 Sender address rejected' }, 'rejected'],
    [{ stage: 'connect', code: 554, message: '5.7.1 Your IP is on a blocklist' }, 'rejected'],
  ] as const)('the fault %o', async (rule, cls) => {
    mock.faults.set([rule]);
    const { test, send } = await both(smtp());
    expect(test?.code).toBe(cls);
    expect(send).toMatchObject({
      code: test?.code,
      hint: test?.hint,
      message: test?.message,
      responseCode: rule.code,
    });
  });

  it('a server that never greets', async () => {
    silent = await startServer(() => {});
    const { test, send } = await both(smtp({ port: silent.port }));
    expect(test?.code).toBe('greeting');
    expect(send).toMatchObject({ code: 'greeting', hint: test?.hint, temporary: true, accountLevel: true });
  });

  it('a refused Mailgun key', async () => {
    const part: Mailgun = {
      transport: 'mailgun',
      domain: 'mg.example.com',
      apiKey: 'key-paths-wrong',
      baseUrl: `${mock.httpUrl}/mailgun`,
      from: { address: USER },
      fromFilter: [],
      sendMode: 'queued',
      rateLimitPerMinute: 0,
    };
    const { result } = await runConnectionTest('outgoing', part, opts);
    const destination = await resolveDestination(new URL(part.baseUrl).hostname, {
      allowPrivateHosts: true,
      timeoutMs: 1000,
    });
    const transport = createMailgunTransport(part, opts.config.timeouts, {
      destination,
      allowPrivateHosts: true,
    });
    const sent = await transport.send(mail);
    expect(result.error?.code).toBe('auth');
    expect(sent.ok ? undefined : sent.error).toMatchObject({
      code: 'auth',
      hint: result.error?.hint,
      message: result.error?.message,
      temporary: true,
    });
  });
});
