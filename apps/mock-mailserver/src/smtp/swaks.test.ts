import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { available, run } from '../test-support/run.js';

// swaks is a Debian package (apt-get install swaks); without it these tests cannot run.
const hasSwaks = available('swaks');
// CI installs swaks (.ci/run): there a missing peer is a failure, never a silent skip.
if (!hasSwaks && process.env.CI) throw new Error('swaks is not installed; CI runs the real-client tests');

let mock: MockMailServer;
afterEach(() => mock?.close());

const swaks = (args: string[]) => run('swaks', ['--server', '127.0.0.1', '--hide-all', ...args]);

describe.skipIf(!hasSwaks)('swaks', () => {
  beforeEach(async () => {
    mock = await startMockMailServer({ httpPort: false, pop3Port: false, users: { ann: 'right' } });
  });

  const base = () => ['--from', 'swaks@example.org', '--to', 'rcpt@example.org', '--auth-user', 'ann'];

  it.each([
    ['plain', () => ['--port', String(mock.smtpPort)], false],
    ['STARTTLS', () => ['--port', String(mock.smtpPort), '--tls'], true],
    ['implicit TLS', () => ['--port', String(mock.smtpsPort), '--tlsc'], true],
  ])('delivers over %s', async (_name, transportArgs, secure) => {
    const result = await swaks([
      ...base(),
      '--auth-password',
      'right',
      '--auth',
      'PLAIN',
      ...transportArgs(),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(mock.messages()[0]).toMatchObject({
      secure,
      authUser: 'ann',
      envelope: { rcptTo: ['rcpt@example.org'] },
    });
  });

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'])('authenticates with %s', async (mechanism) => {
    const result = await swaks([
      ...base(),
      '--port',
      String(mock.smtpPort),
      '--auth',
      mechanism,
      '--auth-password',
      'right',
      '--header',
      `Subject: ${mechanism}`,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(mock.messages()[0]).toMatchObject({ subject: mechanism, authUser: 'ann' });
  });

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'])('gets 535 for a wrong password with %s', async (mechanism) => {
    const result = await run('swaks', [
      '--server',
      '127.0.0.1',
      '--port',
      String(mock.smtpPort),
      ...base(),
      '--auth',
      mechanism,
      '--auth-password',
      'wrong',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/<\*\* 535 /);
    expect(mock.messages()).toHaveLength(0);
  });
});
