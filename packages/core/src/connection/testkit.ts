/**
 * Test helpers for connection tests: tiny scripted servers on 127.0.0.1 port 0 and throw-away certificates.
 * Not exported from the package index; tests import it directly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import type { EngineOptions } from './engine';

export type Certs = { caCert: string; key: string; cert: string; selfKey: string; selfCert: string };

/** A CA plus a leaf for "localhost" signed by it, and a self-signed "localhost" certificate (openssl). */
export function makeCerts(): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-certs-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Mailroom Test CA',
    ]);
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'leaf.key',
      '-out',
      'leaf.csr',
      '-subj',
      '/CN=localhost',
    ]);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost\n');
    run([
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'leaf.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ]);
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'self.key',
      '-out',
      'self.pem',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
    ]);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return {
      caCert: read('ca.pem'),
      key: read('leaf.key'),
      cert: read('leaf.pem'),
      selfKey: read('self.key'),
      selfCert: read('self.pem'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type TestServer = { port: number; close(): Promise<void> };

/** A TCP server on 127.0.0.1 port 0 running `onConnection` for each client. */
export async function startServer(onConnection: (socket: Socket) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConnection(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads CRLF lines from a socket and hands each to `onLine`. */
export function onLines(socket: Socket | TLSSocket, onLine: (line: string) => void): void {
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      onLine(line);
    }
  });
}

export type FakeSmtpOptions = {
  users?: Record<string, string>;
  starttls?: { key: string; cert: string };
  /** Recipients refused with 550. */
  refuse?: string[];
  /** Seen client lines (for asserting what crossed the wire). */
  seen?: string[];
};

/** A small scripted SMTP server: EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL/RCPT/RSET/QUIT. */
export function fakeSmtp(opts: FakeSmtpOptions) {
  return (raw: Socket) => {
    let socket: Socket | TLSSocket = raw;
    let secure = false;
    let pending: 'login-user' | 'login-pass' | null = null;
    let loginUser = '';
    const say = (s: string) => socket.write(`${s}\r\n`);
    const check = (user: string, pass: string) => opts.users?.[user] === pass;
    const handle = (line: string) => {
      opts.seen?.push(line);
      if (pending === 'login-user') {
        loginUser = Buffer.from(line, 'base64').toString();
        pending = 'login-pass';
        return say('334 UGFzc3dvcmQ6');
      }
      if (pending === 'login-pass') {
        pending = null;
        return say(
          check(loginUser, Buffer.from(line, 'base64').toString())
            ? '235 2.7.0 ok'
            : '535 5.7.8 Authentication credentials invalid',
        );
      }
      const [verb = '', ...rest] = line.split(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO':
          say('250-fake.test');
          say('250-SIZE 10485760');
          if (opts.starttls && !secure) say('250-STARTTLS');
          return say(opts.users && (secure || !opts.starttls) ? '250 AUTH PLAIN LOGIN' : '250 8BITMIME');
        case 'STARTTLS': {
          say('220 2.0.0 go ahead');
          socket.removeAllListeners('data');
          const tls = new TLSSocket(raw, {
            isServer: true,
            key: opts.starttls?.key,
            cert: opts.starttls?.cert,
          });
          tls.on('error', () => {});
          socket = tls;
          secure = true;
          return onLines(tls, handle);
        }
        case 'AUTH': {
          if (rest[0] === 'LOGIN') {
            pending = 'login-user';
            return say('334 VXNlcm5hbWU6');
          }
          const [, user = '', pass = ''] = Buffer.from(rest[1] ?? '', 'base64')
            .toString()
            .split('\0');
          return say(
            check(user, pass)
              ? '235 2.7.0 Authentication successful'
              : '535 5.7.8 Authentication credentials invalid',
          );
        }
        case 'MAIL':
          return say('250 2.1.0 Ok');
        case 'RCPT': {
          const to = /<([^>]*)>/.exec(line)?.[1] ?? '';
          return say(
            opts.refuse?.includes(to)
              ? `550 5.1.1 <${to}>: Recipient address rejected: User unknown`
              : '250 2.1.5 Ok',
          );
        }
        case 'RSET':
          return say('250 2.0.0 Ok');
        case 'QUIT':
          say('221 2.0.0 Bye');
          return socket.end();
        default:
          return say('502 5.5.2 Error: command not recognized');
      }
    };
    say('220 fake.test ESMTP ready');
    onLines(raw, handle);
  };
}

/** Engine options for tests: loopback allowed, short timeouts. */
export function engineOptions(extra: Partial<EngineOptions> = {}): EngineOptions {
  return {
    config: {
      allowPrivateHosts: true,
      timeouts: { connectMs: 1000, greetingMs: 500, commandMs: 1000 },
      sendmailPaths: [],
    },
    secrets: [],
    ...extra,
  };
}
