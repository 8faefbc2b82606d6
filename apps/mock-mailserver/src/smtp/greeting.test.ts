import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';
import { LineClient } from '../test-support/line-client.js';

// MockSMTPConnection replaces smtp-server's fixed 100 ms pause before the greeting. These
// tests fail if an smtp-server upgrade changes SMTPConnection.init() so that the override
// no longer takes effect (greeting slow again) or no longer keeps early-talker detection.

let mock: MockMailServer;
afterEach(() => mock.close());

async function greetingTime(port: number): Promise<{ ms: number; greeting: string }> {
  const started = performance.now();
  const client = await LineClient.connect(port);
  const greeting = await client.smtpReply();
  const ms = performance.now() - started;
  client.close();
  return { ms, greeting };
}

describe('greeting delay', () => {
  it('greets at once by default (smtp-server alone waits 100 ms)', async () => {
    mock = await startMockMailServer({ httpPort: false, pop3Port: false });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { ms, greeting } = await greetingTime(mock.smtpPort);
      expect(greeting).toMatch(/^220 mock-mailserver ESMTP/);
      times.push(ms);
    }
    expect(Math.min(...times)).toBeLessThan(50);
  });

  it('greets at once on the implicit-TLS port too', async () => {
    mock = await startMockMailServer({ httpPort: false, pop3Port: false });
    const started = performance.now();
    const client = await LineClient.connect(mock.smtpsPort, { tls: true });
    expect(await client.smtpReply()).toMatch(/^220 /);
    expect(performance.now() - started).toBeLessThan(100);
    client.close();
  });

  it('waits greetingDelayMs when set', async () => {
    mock = await startMockMailServer({ httpPort: false, pop3Port: false, greetingDelayMs: 150 });
    const { ms } = await greetingTime(mock.smtpPort);
    expect(ms).toBeGreaterThanOrEqual(145);
  });

  it('still refuses a client that talks before the greeting', async () => {
    mock = await startMockMailServer({ httpPort: false, pop3Port: false, greetingDelayMs: 200 });
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
