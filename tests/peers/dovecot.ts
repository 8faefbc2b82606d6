/**
 * A real Dovecot (IMAP + POP3) for protocol tests: writes its own dovecot.conf into a temp dir (passwd-file
 * user, maildir, self-signed certificate, plain/STARTTLS and implicit-TLS listeners on free high ports),
 * starts `/usr/sbin/dovecot -F` as the current user (root drops to the packaged dovecot/dovenull users),
 * and stops it by PID.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const DOVECOT_BIN = '/usr/sbin/dovecot';

export type Dovecot = {
  dir: string;
  user: string;
  password: string;
  imapPort: number;
  imapsPort: number;
  pop3Port: number;
  pop3sPort: number;
  /** The self-signed certificate (PEM) the server presents, CN/SAN localhost. */
  cert: string;
  /** Adds messages to the user's INBOX (maildir), visible to the next session. */
  seed(count: number): void;
  /** The server's log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
};

/** True when the dovecot binary is installed and executable. */
export function dovecotInstalled(): boolean {
  try {
    accessSync(DOVECOT_BIN, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves with the first line a server sends on `port`, or null if it closes/refuses/stays silent. */
function firstLine(port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (v: string | null) => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\n')) done(buf.slice(0, buf.indexOf('\n')).trim());
    });
    s.on('error', () => done(null));
    s.on('close', () => done(null));
  });
}

function uidOf(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`user ${name} not found (is dovecot-core installed?)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Starts Dovecot with `messages` seeded into INBOX; resolves once POP3 greets (the auth process is up). */
export async function startDovecot(
  opts: {
    messages?: number;
    user?: string;
    password?: string;
    /**
     * Also an OAuth2 passdb (XOAUTH2 and OAUTHBEARER): a token is checked by a GET on this URL with
     * `Authorization: Bearer <token>` (the mock's `/oauth/userinfo`), whose `email` must be the user.
     */
    oauth2UserinfoUrl?: string;
  } = {},
): Promise<Dovecot> {
  const user = opts.user ?? 'alice';
  const password = opts.password ?? 'dovecot-Secret-9';
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-dovecot-'));
  chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const me = userInfo().username;
  // Dovecot refuses to run login processes as root; as root we use the users the Debian package creates.
  const internalUser = asRoot ? 'dovecot' : me;
  const loginUser = asRoot ? 'dovenull' : me;
  const mailOwner = asRoot
    ? uidOf('dovecot')
    : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
  const maildir = join(dir, 'mail', user, 'Maildir');
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
  const [imapPort, imapsPort, pop3Port, pop3sPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const conf = `
protocols = imap pop3
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
default_internal_user = ${internalUser}
default_internal_group = ${asRoot ? 'dovecot' : userInfo().gid === 0 ? 'root' : me}
default_login_user = ${loginUser}
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login${opts.oauth2UserinfoUrl ? ' xoauth2 oauthbearer' : ''}
auth_failure_delay = 0
# Failed logins from one IP otherwise earn an exponential penalty (anvil) that slows later tests.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
first_valid_uid = ${mailOwner.uid}
last_valid_uid = ${mailOwner.uid}
${
  opts.oauth2UserinfoUrl
    ? `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf
}
`
    : ''
}passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailOwner.uid} gid=${mailOwner.gid} home=${dir}/mail/%u
}
mail_location = maildir:${dir}/mail/%u/Maildir
pop3_uidl_format = %08Xu%08Xv
service imap-login {
  inet_listener imap {
    port = ${imapPort}
  }
  inet_listener imaps {
    port = ${imapsPort}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${pop3Port}
  }
  inet_listener pop3s {
    port = ${pop3sPort}
    ssl = yes
  }
}
`;
  writeFileSync(join(dir, 'dovecot.conf'), conf);
  if (opts.oauth2UserinfoUrl) {
    writeFileSync(
      join(dir, 'oauth2.conf'),
      `introspection_mode = auth\nintrospection_url = ${opts.oauth2UserinfoUrl}\nusername_attribute = email\n`,
      { mode: 0o644 },
    );
  }
  let seq = 0;
  const seed = (count: number) => {
    for (let i = 0; i < count; i++) {
      seq++;
      const file = join(maildir, 'new', `${Date.now()}.M${seq}P${process.pid}.mailroom`);
      writeFileSync(
        file,
        `From: sender${seq}@example.com\r\nTo: ${user}@example.com\r\nSubject: Seeded ${seq}\r\nMessage-ID: <seed-${seq}@example.com>\r\n\r\nBody ${seq}\r\n`,
      );
      chownSync(file, mailOwner.uid, mailOwner.gid);
    }
  };
  seed(opts.messages ?? 0);
  for (const p of [
    join(dir, 'mail'),
    join(dir, 'mail', user),
    maildir,
    ...['cur', 'new', 'tmp'].map((s) => join(maildir, s)),
  ]) {
    chownSync(p, mailOwner.uid, mailOwner.gid);
  }

  const child: ChildProcess = spawn(DOVECOT_BIN, ['-F', '-c', join(dir, 'dovecot.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => {
    try {
      return output + readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return output;
    }
  };

  // Ready when POP3 greets with "+OK" (the login process talks to auth by then); bounded to 15 s.
  const deadline = Date.now() + 15_000;
  let ready = false;
  while (!ready && Date.now() < deadline && child.exitCode === null) {
    const line = await firstLine(pop3Port, 1000);
    ready = line?.startsWith('+OK') ?? false;
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  if (!ready) {
    child.kill('SIGTERM');
    await exited;
    const text = log();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`dovecot did not start:\n${text}`);
  }

  return {
    dir,
    user,
    password,
    imapPort,
    imapsPort,
    pop3Port,
    pop3sPort,
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    seed,
    log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
