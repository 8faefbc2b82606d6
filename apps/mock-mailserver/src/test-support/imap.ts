import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import nodemailer from 'nodemailer';
import type { MockMailServer } from '../index.js';
import { LineClient } from './line-client.js';

/** Every client a test opened, closed in afterEach by `closeClients`. */
const open = new Set<{ close(): void }>();

/** An imapflow client on the mock's plain IMAP port (STARTTLS on, the self-signed certificate accepted). */
export function imapflow(
  mock: MockMailServer,
  user: string,
  options: Partial<ImapFlowOptions> = {},
): ImapFlow {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: mock.imapPort,
    secure: false,
    auth: { user, pass: 'any' },
    tls: { rejectUnauthorized: false },
    logger: false,
    ...options,
  });
  client.on('error', () => {});
  open.add(client);
  return client;
}

/** An imapflow logger that resolves `idling` when the server answers IDLE with its continuation. */
export function watchIdle() {
  let resolve!: () => void;
  const idling = new Promise<void>((r) => {
    resolve = r;
  });
  const quiet = () => {};
  const logger = {
    debug: (entry: { src?: string; msg?: string }) => {
      if (entry.src === 's' && entry.msg?.startsWith('+ idling')) resolve();
    },
    trace: quiet,
    info: quiet,
    warn: quiet,
    error: quiet,
  };
  return { idling, logger };
}

/** A raw IMAP connection: send a tagged command, read every line up to its tagged reply. */
export class RawImap {
  private n = 0;
  private constructor(readonly line: LineClient) {}

  static async connect(port: number, options: { tls?: boolean } = {}): Promise<RawImap> {
    const line = await LineClient.connect(port, options);
    open.add(line);
    return new RawImap(line);
  }

  greeting(): Promise<string> {
    return this.line.line();
  }

  /** Sends `<tag> <command>` and resolves with the lines up to and including the tagged reply. */
  async run(command: string): Promise<string[]> {
    const tag = `T${++this.n}`;
    this.line.write(`${tag} ${command}\r\n`);
    return this.until(tag);
  }

  /** Reads lines up to the tagged reply for `tag`. */
  async until(tag: string): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line.line();
      lines.push(line);
      if (line.startsWith(`${tag} `)) return lines;
    }
  }

  write(data: string): void {
    this.line.write(data);
  }

  /** Logs in and selects a mailbox. */
  async open(user: string, mailbox = 'INBOX'): Promise<string[]> {
    await this.greeting();
    const login = await this.run(`LOGIN "${user}" any`);
    if (!login.at(-1)?.includes(' OK ')) throw new Error(`login failed: ${login.join('\n')}`);
    return this.run(`SELECT ${mailbox}`);
  }
}

/** STATUS through imapflow, which answers false when the server said NO. */
export async function status(
  client: ImapFlow,
  path: string,
  query: Parameters<ImapFlow['status']>[1],
): Promise<Exclude<Awaited<ReturnType<ImapFlow['status']>>, false>> {
  const result = await client.status(path, query);
  if (!result) throw new Error(`STATUS ${path} failed`);
  return result;
}

export async function closeClients(): Promise<void> {
  for (const client of [...open]) {
    open.delete(client);
    if (client instanceof ImapFlow) {
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
    } else client.close();
  }
}

/** Sends one message over the mock's SMTP. */
export async function deliver(
  mock: MockMailServer,
  to: string,
  subject: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
  await transport.sendMail({
    from: 'Sender <sender@example.org>',
    to,
    subject,
    text: `Body of ${subject}\n`,
    ...extra,
  });
  transport.close();
}
