import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError, duration, parseCli, size } from './cli-args.js';
import { closeClients, RawImap } from './test-support/imap.js';
import { available, run } from './test-support/run.js';

const bin = fileURLToPath(new URL('../bin/mock-mailserver.mjs', import.meta.url));

describe('parseCli', () => {
  it('uses the fixed default ports', () => {
    expect(parseCli([])).toEqual({
      help: false,
      quiet: false,
      options: {
        smtpPort: 1025,
        smtpsPort: 1465,
        pop3Port: 1110,
        imapPort: 1143,
        imapsPort: 1993,
        httpPort: 8025,
      },
    });
  });

  it('reads every option', () => {
    const command = parseCli([
      ...['--smtp', '2525', '--smtps', 'off', '--pop3', '0', '--http', '8080', '--host', '0.0.0.0'],
      ...['--imap', '0', '--imaps', 'off'],
      ...['--users', 'a:b,c:d:e', '--users', 'f:g', '--max-messages', '5000', '--max-age', '2h'],
      ...['--max-bytes', '64m', '--max-message-size', '10m', '--store', './mail', '--greeting-delay', '100'],
      ...['--mailgun-key', 'key-1', '--hostname', 'mx.test', '--auth-required', '--quiet'],
      ...['--ses-access-key-id', 'AKIAMOCK', '--ses-secret-access-key', 'secret/key'],
    ]);
    expect(command).toEqual({
      help: false,
      quiet: true,
      options: {
        smtpPort: 2525,
        smtpsPort: false,
        pop3Port: 0,
        imapPort: 0,
        imapsPort: false,
        httpPort: 8080,
        host: '0.0.0.0',
        users: { a: 'b', c: 'd:e', f: 'g' },
        maxMessages: 5000,
        maxAgeMs: 7_200_000,
        maxBytes: 64 * 1024 ** 2,
        maxMessageSize: 10 * 1024 ** 2,
        storeDir: './mail',
        greetingDelayMs: 100,
        mailgunApiKey: 'key-1',
        sesCredentials: { accessKeyId: 'AKIAMOCK', secretAccessKey: 'secret/key' },
        hostname: 'mx.test',
        authRequired: true,
      },
    });
  });

  it('reads the OAuth options', () => {
    expect(parseCli(['--oauth']).help === false && parseCli(['--oauth'])).toMatchObject({
      options: { oauth: {} },
    });
    const command = parseCli([
      ...['--oauth-domains', 'oauth.mock.test,other.test', '--oauth-token-ttl', '10m'],
      ...['--oauth-client', 'public', '--oauth-client', 'app:s3cret:http://127.0.0.1:3000/cb'],
      ...['--oauth-issuer', 'http://mock:8025', '--oauth-dialect', 'google'],
    ]);
    expect(command).toMatchObject({
      options: {
        oauth: {
          domains: ['oauth.mock.test', 'other.test'],
          accessTokenTtlSeconds: 600,
          clients: [
            { clientId: 'public' },
            { clientId: 'app', clientSecret: 's3cret', redirectUris: ['http://127.0.0.1:3000/cb'] },
          ],
          issuer: 'http://mock:8025',
          dialect: 'google',
        },
      },
    });
    expect(parseCli([])).not.toHaveProperty('options.oauth');
    expect(() => parseCli(['--oauth-token-ttl', 'soon'])).toThrow(/--oauth-token-ttl/);
    expect(() => parseCli(['--oauth-dialect', 'azure'])).toThrow(/--oauth-dialect: expected rfc or google/);
  });

  it('rejects bad values with a message naming the flag', () => {
    expect(() => parseCli(['--smtp', '70000'])).toThrow(/--smtp/);
    expect(() => parseCli(['--users', 'nopassword'])).toThrow(/--users/);
    expect(() => parseCli(['--max-age', 'soon'])).toThrow(/--max-age/);
    expect(() => parseCli(['--tls-key', 'k.pem'])).toThrow(/--tls-cert/);
    expect(() => parseCli(['--ses-access-key-id', 'AKIAMOCK'])).toThrow(/--ses-secret-access-key/);
    expect(() => parseCli(['--what'])).toThrow(CliError);
    expect(duration('x', '90s')).toBe(90_000);
    expect(size('x', '512k')).toBe(524_288);
  });
});

const built = existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));
// Turbo builds the package before its tests; in CI an unbuilt CLI is a failure, not a skip.
if (!built && process.env.CI) throw new Error('dist/cli.js is missing: build the package before testing it');
describe.skipIf(!built)('mock-mailserver command', () => {
  // Needs the build (the package's test script runs it first).
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  async function start(args: string[]): Promise<Record<string, number>> {
    child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const ports: Record<string, number> = {};
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        for (const match of out.matchAll(/^(SMTP|SMTPS|POP3|IMAPS?|HTTP)\s+\S*?:(\d+)$/gm))
          ports[match[1]!] = Number(match[2]);
        if (ports.HTTP) resolve();
      });
      child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    return ports;
  }

  it('prints help', async () => {
    const result = await run(process.execPath, [bin, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: mock-mailserver [options]');
    expect(result.stdout).toContain('--users <user:pass,...>');
  });

  it('exits 2 on a bad flag', async () => {
    const result = await run(process.execPath, [bin, '--smtp', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--smtp');
  });

  it('starts every listener, answers 535 to a wrong password under --users, stops on SIGTERM', async () => {
    const ports = await start([
      '--smtp',
      '0',
      '--smtps',
      '0',
      '--pop3',
      '0',
      '--imap',
      '0',
      '--imaps',
      '0',
      '--http',
      '0',
      '--users',
      'ann:secret',
    ]);
    expect(Object.keys(ports).sort()).toEqual(['HTTP', 'IMAP', 'IMAPS', 'POP3', 'SMTP', 'SMTPS']);
    const transport = (pass: string) =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port: ports.SMTP,
        ignoreTLS: true,
        auth: { user: 'ann', pass },
      });
    const mail = { from: 'a@example.org', to: 'b@example.org', subject: 'cli', text: 'x' };
    await expect(transport('wrong').sendMail(mail)).rejects.toMatchObject({ responseCode: 535 });
    await transport('secret').sendMail(mail);
    const list = (await (await fetch(`http://127.0.0.1:${ports.HTTP}/api/messages`)).json()) as {
      total: number;
    };
    expect(list.total).toBe(1);
    const imap = await RawImap.connect(ports.IMAP!);
    await imap.greeting();
    expect(await imap.run('LOGIN ann wrong')).toEqual(['T1 NO [AUTHENTICATIONFAILED] Invalid credentials']);
    expect((await imap.run('LOGIN ann secret'))[0]).toMatch(/^T2 OK /);
    await closeClients();

    if (available('swaks')) {
      const swaks = await run('swaks', [
        ...['--server', '127.0.0.1', '--port', String(ports.SMTP), '--to', 'b@example.org'],
        ...['--auth', 'LOGIN', '--auth-user', 'ann', '--auth-password', 'wrong'],
      ]);
      expect(swaks.stdout).toMatch(/<\*\* 535 /);
    }

    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('leaves out a listener set to off', async () => {
    const ports = await start([
      ...['--smtp', '0', '--smtps', 'off', '--pop3', 'off', '--imap', 'off', '--imaps', 'off'],
      ...['--http', '0', '--quiet'],
    ]);
    expect(Object.keys(ports).sort()).toEqual(['HTTP', 'SMTP']);
  });
});
