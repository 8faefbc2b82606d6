import net from 'node:net';
import tls from 'node:tls';

/**
 * A line-oriented TCP client for protocol tests: send a line, read the server's reply exactly
 * as it came, see when the server closes. Used for SMTP (replies may span lines) and POP3.
 */
export class LineClient {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;
  readonly closedPromise: Promise<void>;
  private onClosed!: () => void;

  private constructor(private socket: net.Socket | tls.TLSSocket) {
    this.closedPromise = new Promise((resolve) => {
      this.onClosed = resolve;
    });
    this.attach(socket, this.onClosed);
  }

  private attach(socket: net.Socket | tls.TLSSocket, onClosed?: () => void) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      onClosed?.();
      this.wake();
    });
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  static connect(port: number, options: { tls?: boolean } = {}): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () =>
            resolve(new LineClient(socket)),
          )
        : net.connect(port, '127.0.0.1', () => resolve(new LineClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Waits until the buffer holds something `take` accepts; rejects when the connection closes first or on timeout. */
  private async until(take: (buffer: string) => number, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = take(this.buffer);
      if (end > 0) {
        const out = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        return out;
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; unread: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Reads one SMTP reply (all its continuation lines), e.g. "250-a\r\n250 b". */
  async smtpReply(timeoutMs = 5000): Promise<string> {
    const reply = await this.until((buffer) => {
      const match = /(^|\r\n)\d{3} [^\r\n]*\r\n/.exec(buffer);
      return match ? match.index + match[0].length : 0;
    }, timeoutMs);
    return reply.trimEnd();
  }

  /** Reads one line. */
  async line(timeoutMs = 5000): Promise<string> {
    return (
      await this.until((buffer) => {
        const i = buffer.indexOf('\r\n');
        return i === -1 ? 0 : i + 2;
      }, timeoutMs)
    ).slice(0, -2);
  }

  /** Reads a POP3 multi-line response up to the terminating dot; returns its lines without the dot. */
  async multiline(timeoutMs = 5000): Promise<string[]> {
    const text = await this.until((buffer) => {
      const i = buffer.indexOf('\r\n.\r\n');
      return i === -1 ? 0 : i + 5;
    }, timeoutMs);
    return text.slice(0, -5).split('\r\n');
  }

  write(data: string): void {
    this.socket.write(data);
  }

  async smtp(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.smtpReply();
  }

  async pop(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.line();
  }

  /** Wraps the connection in TLS (after STARTTLS / STLS was accepted). */
  async upgrade(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure, this.onClosed);
  }

  /** Resolves true when the server closes the connection within the time. */
  async closesWithin(ms: number): Promise<boolean> {
    if (this.closed) return true;
    return Promise.race([
      this.closedPromise.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
    ]);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Opens an SMTP session up to EHLO. */
export async function smtpSession(port: number, options: { tls?: boolean } = {}): Promise<LineClient> {
  const client = await LineClient.connect(port, options);
  const greeting = await client.smtpReply();
  if (!greeting.startsWith('220')) throw new Error(`unexpected greeting ${greeting}`);
  await client.smtp('EHLO test.local');
  return client;
}
