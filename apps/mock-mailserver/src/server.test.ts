import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { startMockMailServer } from './index.js';

describe('startMockMailServer', () => {
  it('picks free ports, and false disables a listener', async () => {
    const mock = await startMockMailServer({ smtpsPort: false, pop3Port: false, httpPort: false });
    expect(mock.smtpPort).toBeGreaterThan(0);
    expect([mock.smtpsPort, mock.pop3Port, mock.httpPort, mock.httpUrl]).toEqual([0, 0, 0, '']);
    expect(mock.host).toBe('127.0.0.1');
    await mock.close();
    await mock.close(); // twice is fine
    await expect(
      new Promise((resolve, reject) =>
        net.connect(mock.smtpPort, '127.0.0.1').on('connect', resolve).on('error', reject),
      ),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects when a port is taken, leaving nothing open', async () => {
    const first = await startMockMailServer({ smtpsPort: false, pop3Port: false });
    const second = startMockMailServer({ httpPort: first.httpPort });
    await expect(second).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.close();
  });

  it('keeps messages in storeDir across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mock-mail-'));
    try {
      const first = await startMockMailServer({ storeDir: dir, httpPort: false, pop3Port: false });
      await nodemailer
        .createTransport({ host: '127.0.0.1', port: first.smtpPort, ignoreTLS: true })
        .sendMail({ from: 'a@example.org', to: 'kept@example.org', subject: 'persisted', text: 'code 1234' });
      const before = first.messages()[0]!;
      await new Promise((r) => setTimeout(r, 100)); // the .eml write is not awaited by SMTP
      await first.close();

      const second = await startMockMailServer({ storeDir: dir, httpPort: false, pop3Port: false });
      const after = await second.waitFor({ to: 'kept@example.org', timeoutMs: 100 });
      expect(after).toEqual(before);
      expect((await second.raw(after.id))!.toString()).toContain('Subject: persisted');
      expect(second.codes(after.id).codes[0]?.value).toBe('1234');
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('waitForCode resolves with the first code, and rejects on timeout', async () => {
    const mock = await startMockMailServer({ smtpsPort: false, pop3Port: false, httpPort: false });
    const waiting = mock.waitForCode({ to: 'otp@example.org', timeoutMs: 5000 });
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true })
      .sendMail({ from: 'a@example.org', to: 'otp@example.org', subject: 'OTP', text: 'Your code: 918273' });
    expect(await waiting).toBe('918273');
    await expect(mock.waitFor({ to: 'nobody@example.org', timeoutMs: 50 })).rejects.toThrow(/within 50 ms/);
    await mock.close();
  });
});
