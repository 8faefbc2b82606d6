// IMAP fetch benchmark: the mock mail server's IMAP side by side with Dovecot, started from its
// own config on free high ports (tests/peers/dovecot.ts). Both hold the same messages (the mock
// by pipelined APPENDs, Dovecot as files in its Maildir), and the same imapflow client fetches
// all of them with the same command (FETCH 1:* (UID ENVELOPE BODY.PEEK[])) over a fresh
// connection, round after round, alternating servers. See docs/PERFORMANCE.md for the figures.
//
//   npx -y pnpm@10.34.9 --filter @mailroom/bench run imap-fetch [-- --messages 10000 --rounds 5 --tls]
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DOVECOT_BIN, startDovecot } from '../tests/peers/dovecot.ts';
import { cpuMs, freePort, memory, startServer, stopServer } from './lib/proc.ts';

const here = dirname(fileURLToPath(import.meta.url));
const mockDir = join(here, '..', 'apps', 'mock-mailserver');
// The same imapflow the mock's own tests use (a dev dependency of the mock).
const { ImapFlow } = createRequire(join(mockDir, 'package.json'))('imapflow') as typeof import('imapflow');

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    tls: { type: 'boolean', default: false },
  },
});
const MESSAGES = Number(values.messages);
const ROUNDS = Number(values.rounds);
const TLS = values.tls;

if (!existsSync(DOVECOT_BIN)) {
  console.error(`${DOVECOT_BIN} is missing: apt-get install dovecot-imapd dovecot-pop3d`);
  process.exit(1);
}

/** Message n: a few KB of text and HTML, headers a real message has, a size that varies. */
function message(n: number): Buffer {
  const paragraph = `Line ${n}: the quick brown fox jumps over the lazy dog, order ${100000 + n}.\r\n`;
  const text = paragraph.repeat(8 + (n % 24));
  const boundary = `b-${n}`;
  return Buffer.from(
    [
      `From: "Shop ${n % 50}" <shop${n % 50}@bench.test>`,
      'To: "Reader" <reader@bench.test>',
      `Cc: archive+${n % 7}@bench.test`,
      `Subject: Order ${100000 + n} confirmed (${n % 3 ? 'paid' : 'pending'})`,
      `Date: ${new Date(Date.UTC(2025, 0, 1) + n * 60_000).toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <bench-${n}@bench.test>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      '',
      `<html><body><p>${text.replace(/\r\n/g, '<br>')}</p></body></html>`,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

interface Target {
  name: string;
  /** Puts the messages in; resolves with the seconds it took. */
  seed(messages: Buffer[]): Promise<number> | number;
  port: number;
  user: string;
  pass: string;
  pid: number;
  stop(): Promise<void>;
}

const client = (target: Target) => {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port: target.port,
    secure: false,
    doSTARTTLS: TLS,
    auth: { user: target.user, pass: target.pass },
    tls: { rejectUnauthorized: false },
    logger: false,
  });
  c.on('error', () => {});
  return c;
};

/**
 * Seeds the mock: every message APPENDed on one connection, pipelined with LITERAL+ (one round
 * trip for all), read back until the last tagged reply.
 */
async function appendAll(target: Target, messages: Buffer[]): Promise<number> {
  const start = performance.now();
  const socket = net.connect(target.port, '127.0.0.1');
  let buffer = '';
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(buffer);
        if (!m) return;
        socket.off('data', onData);
        buffer = buffer.slice(m.index + m[0].length);
        resolve(m[0]);
      };
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString('latin1');
        if (/^A\d+ (NO|BAD) .*$/m.test(buffer)) reject(new Error(`${target.name}: ${buffer.slice(0, 500)}`));
        check();
      };
      socket.on('data', onData);
      check();
    });
  await waitFor(/^\* OK .*\r\n/m);
  socket.write(`L LOGIN "${target.user}" "${target.pass}"\r\n`);
  await waitFor(/^L OK .*\r\n/m);
  for (const [i, raw] of messages.entries()) {
    const ok = socket.write(
      Buffer.concat([Buffer.from(`A${i} APPEND INBOX {${raw.length}+}\r\n`), raw, Buffer.from('\r\n')]),
    );
    if (!ok) await once(socket, 'drain');
  }
  await waitFor(new RegExp(`^A${messages.length - 1} OK .*\\r\\n`, 'm'));
  socket.end('Z LOGOUT\r\n');
  return (performance.now() - start) / 1000;
}

/** Seeds Dovecot: the messages as files in its Maildir, owned like the Maildir itself. */
function writeMaildir(maildir: string, messages: Buffer[]): number {
  const start = performance.now();
  const { uid, gid } = statSync(maildir);
  messages.forEach((raw, i) => {
    const file = join(maildir, 'cur', `${1_700_000_000 + i}.M${i}P1.bench,S=${raw.length}:2,`);
    writeFileSync(file, raw);
    chownSync(file, uid, gid);
  });
  return (performance.now() - start) / 1000;
}

/** One round: connect, SELECT, FETCH 1:* envelope + source, LOGOUT. */
async function fetchAll(
  target: Target,
): Promise<{ seconds: number; count: number; bytes: number; cpu: number }> {
  const cpuBefore = serverCpuMs(target.pid);
  const start = performance.now();
  const c = client(target);
  await c.connect();
  const lock = await c.getMailboxLock('INBOX');
  let count = 0;
  let bytes = 0;
  try {
    for await (const m of c.fetch('1:*', { uid: true, envelope: true, source: true })) {
      if (!m.envelope?.messageId || !m.source) throw new Error(`${target.name}: message ${m.seq} incomplete`);
      count++;
      bytes += m.source.length;
    }
  } finally {
    lock.release();
  }
  await c.logout();
  const seconds = (performance.now() - start) / 1000;
  return { seconds, count, bytes, cpu: serverCpuMs(target.pid) - cpuBefore };
}

async function startMock(): Promise<Target> {
  const port = await freePort();
  const args = [
    // tsx as the bench resolves it, so the command works from any directory.
    '--import',
    import.meta.resolve('tsx'),
    join(mockDir, 'src', 'cli.ts'),
    ...['--imap', String(port), '--imaps', 'off', '--smtp', String(await freePort()), '--smtps', 'off'],
    ...[
      '--pop3',
      'off',
      '--http',
      'off',
      '--max-messages',
      String(MESSAGES * 2),
      '--max-bytes',
      '2g',
      '--quiet',
    ],
  ];
  const child = await startServer(process.execPath, args, port);
  const target: Target = {
    name: 'mock-mailserver',
    seed: (messages) => appendAll(target, messages),
    port,
    user: 'reader@bench.test',
    pass: 'any',
    pid: child.pid!,
    stop: () => stopServer(child),
  };
  return target;
}

async function startDovecotTarget(): Promise<Target> {
  const dovecot = await startDovecot();
  const pid = Number(readFileSync(join(dovecot.dir, 'run', 'master.pid'), 'utf8').trim());
  const version = execFileSync(DOVECOT_BIN, ['--version'], { encoding: 'utf8' }).trim();
  return {
    name: `Dovecot ${version.split(' ')[0]}`,
    seed: (messages) => writeMaildir(join(dovecot.dir, 'mail', dovecot.user, 'Maildir'), messages),
    port: dovecot.imapPort,
    user: dovecot.user,
    pass: dovecot.password,
    pid,
    stop: () => dovecot.stop(),
  };
}

/**
 * Server CPU in ms: the live processes (cpuMs) plus what the server has already reaped: each
 * Dovecot IMAP session is a process that ends with LOGOUT, its time then in the master's cutime.
 */
function serverCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return cpuMs(pid) + ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime, cstime (USER_HZ)
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const messages = Array.from({ length: MESSAGES }, (_, i) => message(i + 1));
const totalMiB = messages.reduce((n, m) => n + m.length, 0) / 1024 / 1024;
console.log(
  `${MESSAGES} messages, ${totalMiB.toFixed(1)} MiB; ${ROUNDS} rounds after a warm-up; ${TLS ? 'STARTTLS' : 'plain IMAP'}; ` +
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
);

const targets = [await startMock(), await startDovecotTarget()];
const samples = new Map<string, Array<{ rate: number; cpu: number }>>();
try {
  for (const target of targets) {
    const seconds = await target.seed(messages);
    console.log(`  ${target.name}: seeded ${MESSAGES} in ${seconds.toFixed(1)} s`);
    await fetchAll(target); // warm-up: JIT, Dovecot's index and cache files
    samples.set(target.name, []);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of round % 2 ? targets : [...targets].reverse()) {
      const r = await fetchAll(target);
      if (r.count !== MESSAGES) throw new Error(`${target.name}: fetched ${r.count} of ${MESSAGES}`);
      const rate = r.count / r.seconds;
      samples.get(target.name)!.push({ rate, cpu: (r.cpu * 1000) / r.count });
      console.log(
        `  round ${round} ${target.name}: ${rate.toFixed(0)} msg/s, ${(r.bytes / 1024 / 1024 / r.seconds).toFixed(1)} MiB/s, ` +
          `${((r.cpu * 1000) / r.count).toFixed(0)} ms server CPU per 1000`,
      );
    }
  }
  console.log('\nmedian over the rounds (best in brackets):');
  for (const target of targets) {
    const s = samples.get(target.name)!;
    const rates = s.map((x) => x.rate);
    console.log(
      `  ${target.name}: ${median(rates).toFixed(0)} msg/s (${Math.max(...rates).toFixed(0)}), ` +
        `${median(s.map((x) => x.cpu)).toFixed(0)} ms server CPU per 1000, peak RSS ${memory(target.pid).peakMiB.toFixed(0)} MiB`,
    );
  }
  const [mock, dovecot] = targets.map((t) => median(samples.get(t.name)!.map((x) => x.rate)));
  console.log(`  mock / Dovecot: ${(mock! / dovecot!).toFixed(2)} (target ≥ 0.5)`);
} finally {
  for (const target of targets) await target.stop();
}
