import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { LineClient } from '../test-support/line-client.js';
import type { MockMailServerOptions } from '../types.js';

// MockSMTPConnection replaces smtp-server's fixed 100 ms pause before the greeting. These tests fail if
// an smtp-server upgrade changes SMTPConnection.init() so that the override no longer takes effect
// (no greeting scheduled by the mock: the library's own 100 ms again) or no longer keeps early-talker
// detection. They check which delay each connection schedules, never how long a greeting took: elapsed
// time says more about the machine's load than about the server.

let mock: MockMailServer;
afterEach(() => mock.close());

/** Starts the mock with its log captured; `scheduled()` lists each connection's greeting line. */
async function start(options: MockMailServerOptions = {}) {
  const lines: string[] = [];
  mock = await startMockMailServer({
    httpPort: false,
    pop3Port: false,
    ...options,
    log: (l) => lines.push(l),
  });
  return { scheduled: () => lines.filter((l) => / greeting after \d+ ms$/.test(l)) };
}

describe('greeting delay', () => {
  it('greets at once by default (smtp-server alone waits 100 ms)', async () => {
    const { scheduled } = await start();
    for (let i = 0; i < 3; i++) {
      const client = await LineClient.connect(mock.smtpPort);
      expect(await client.smtpReply()).toMatch(/^220 mock-mailserver ESMTP/);
      client.close();
    }
    expect(scheduled()).toEqual([
      expect.stringMatching(/^smtp: connection \w+ from 127\.0\.0\.1, greeting after 0 ms$/),
      expect.stringMatching(/^smtp: connection \w+ from 127\.0\.0\.1, greeting after 0 ms$/),
      expect.stringMatching(/^smtp: connection \w+ from 127\.0\.0\.1, greeting after 0 ms$/),
    ]);
  });

  it('greets at once on the implicit-TLS port too', async () => {
    const { scheduled } = await start();
    const client = await LineClient.connect(mock.smtpsPort, { tls: true });
    expect(await client.smtpReply()).toMatch(/^220 /);
    client.close();
    expect(scheduled()).toEqual([expect.stringMatching(/^smtps: connection \w+ .*, greeting after 0 ms$/)]);
  });

  it('waits greetingDelayMs when set, on both ports', async () => {
    const { scheduled } = await start({ greetingDelayMs: 150 });
    for (const [port, tls] of [
      [mock.smtpPort, false],
      [mock.smtpsPort, true],
    ] as const) {
      const client = await LineClient.connect(port, { tls });
      expect(await client.smtpReply()).toMatch(/^220 /);
      client.close();
    }
    expect(scheduled()).toEqual([
      expect.stringMatching(/^smtp: .*, greeting after 150 ms$/),
      expect.stringMatching(/^smtps: .*, greeting after 150 ms$/),
    ]);
  });

  it('still refuses a client that talks before the greeting', async () => {
    // A delay far longer than any machine takes to deliver the EHLO: the client always talks first, and
    // the 421 comes as soon as it does (the timer is never waited for).
    await start({ greetingDelayMs: 60_000 });
    const socket = net.connect(mock.smtpPort, '127.0.0.1');
    socket.write('EHLO early.local\r\n');
    const reply = await new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk;
      });
      socket.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^421 .*You talk too soon/m);
  });
});
