import { randomUUID } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import type { OAuthProvider } from '../oauth/provider.js';
import type { MessageStore } from '../store/store.js';
import { COMMANDS } from './commands.js';

export interface Pop3Context {
  store: MessageStore;
  users: Record<string, string> | null;
  oauth: OAuthProvider;
  secureContext: tls.SecureContext;
  log: (line: string) => void;
}

export interface MaildropItem {
  id: string;
  size: number;
  deleted: boolean;
}

const MAX_LINE = 4096;
const IDLE_TIMEOUT_MS = 10 * 60_000;

/** One POP3 connection: reads command lines, runs them one at a time, owns the maildrop snapshot. */
export class Pop3Session {
  readonly id = randomUUID();
  state: 'authorization' | 'transaction' | 'closed' = 'authorization';
  user: string | null = null;
  maildrop: MaildropItem[] = [];
  /** Set by a command that waits for the client's next line (an AUTH exchange): that line goes to it. */
  continuation: ((line: string) => void | Promise<void>) | null = null;
  secure: boolean;
  private buffer = '';
  private queue: Promise<void> = Promise.resolve();
  private detach: () => void = () => {};

  constructor(
    private socket: net.Socket | tls.TLSSocket,
    readonly ctx: Pop3Context,
  ) {
    this.secure = socket instanceof tls.TLSSocket;
    this.attach(socket);
    this.write('+OK mock-mailserver POP3 ready');
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    this.socket = socket;
    socket.setTimeout(IDLE_TIMEOUT_MS, () => this.close('-ERR idle timeout'));
    const onData = (chunk: Buffer) => this.onData(chunk);
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
    this.detach = () => socket.off('data', onData);
  }

  private onData(chunk: Buffer): void {
    this.buffer += chunk.toString('latin1');
    let eol = this.buffer.indexOf('\n');
    while (eol !== -1) {
      const line = this.buffer.slice(0, eol).replace(/\r$/, '');
      this.buffer = this.buffer.slice(eol + 1);
      this.queue = this.queue.then(() => this.run(line));
      eol = this.buffer.indexOf('\n');
    }
    if (this.buffer.length > MAX_LINE) this.close('-ERR line too long');
  }

  private async run(line: string): Promise<void> {
    if (this.state === 'closed') return;
    if (this.continuation) {
      const next = this.continuation;
      this.continuation = null;
      return next(line);
    }
    const space = line.indexOf(' ');
    const name = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const args =
      space === -1
        ? []
        : line
            .slice(space + 1)
            .trim()
            .split(/\s+/);
    const command = COMMANDS[name];
    if (!command) return this.write('-ERR unknown command');
    if (!command.states.includes(this.state)) return this.write(`-ERR ${name} not allowed now`);
    try {
      await command.run(this, args);
    } catch (error) {
      this.ctx.log(`pop3: ${name} failed: ${(error as Error).message}`);
      this.write('-ERR internal error');
    }
  }

  write(line: string): void {
    if (!this.socket.destroyed) this.socket.write(`${line}\r\n`);
  }

  /** Sends a multi-line response: the status line, the dot-stuffed body, and the terminating dot. */
  writeMultiline(status: string, body: Buffer | string[]): void {
    if (this.socket.destroyed) return;
    const text = Array.isArray(body) ? body.join('\r\n') : body.toString('latin1');
    const normalised = text.replace(/\r?\n/g, '\r\n');
    const stuffed = normalised.replace(/^\./, '..').replace(/\r\n\./g, '\r\n..');
    const tail = stuffed === '' || stuffed.endsWith('\r\n') ? '' : '\r\n';
    this.socket.write(Buffer.from(`${status}\r\n${stuffed}${tail}.\r\n`, 'latin1'));
  }

  /** Switches to TLS after `+OK` to STLS; commands sent before the handshake are discarded. */
  startTls(): void {
    this.detach();
    this.buffer = '';
    const plain = this.socket;
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: this.ctx.secureContext });
    secure.once('secure', () => {
      this.secure = true;
    });
    this.attach(secure);
  }

  close(finalLine?: string): void {
    if (finalLine) this.write(finalLine);
    this.state = 'closed';
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.state = 'closed';
    this.socket.destroy();
  }
}
