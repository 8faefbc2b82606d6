import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ConnectionFailure } from './failure';
import { defaultHints } from './hints';
import type { Transcript } from './transcript';

type Waiter = {
  kind: 'line' | 'bytes';
  count: number;
  resolve: (v: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
};

export type ReadOptions = {
  timeoutMs: number;
  /** The command or step waiting, named in timeout messages ("EHLO", "greeting"). */
  what: string;
  /** Builds the failure on timeout; the default is a `timeout` failure. */
  onTimeout?: () => ConnectionFailure;
  /** The whole budget this read is part of, named in the timeout message (see `sharedDeadline`). */
  totalMs?: number;
};

/**
 * Read options for every line of one reply, sharing one deadline: a server that drips a long reply line by
 * line, each just inside the timeout, still fails once the command's budget is spent.
 */
export function sharedDeadline(opts: ReadOptions): () => ReadOptions {
  const end = Date.now() + opts.timeoutMs;
  return () => ({
    ...opts,
    totalMs: opts.totalMs ?? opts.timeoutMs,
    timeoutMs: Math.max(1, end - Date.now()),
  });
}

/**
 * A socket read line by line (CRLF or LF) with a deadline on every read, so a silent or slow server fails
 * in bounded time. Every line is recorded in the transcript; the socket can be swapped for its TLS upgrade.
 */
export class LineSocket {
  private socket: Socket | TLSSocket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: Waiter | null = null;
  private ended: ConnectionFailure | null = null;
  readonly transcript: Transcript;

  constructor(socket: Socket | TLSSocket, transcript: Transcript) {
    this.socket = socket;
    this.transcript = transcript;
    this.attach(socket);
  }

  get raw(): Socket | TLSSocket {
    return this.socket;
  }

  /** Reads the next line without its line ending. */
  readLine(opts: ReadOptions): Promise<string> {
    return this.read('line', 0, opts);
  }

  /** Reads exactly `count` bytes (IMAP literals). */
  readBytes(count: number, opts: ReadOptions): Promise<string> {
    return this.read('bytes', count, opts);
  }

  /** Sends one line (CRLF added); `shown` is what the transcript records instead when the line holds a credential. */
  write(line: string, shown?: string): void {
    this.transcript.client(line, shown);
    this.socket.write(`${line}\r\n`);
  }

  /** Hands the socket over for a TLS upgrade; the protocol guarantees nothing is buffered at this point. */
  detach(): Socket {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('close');
    this.socket.removeAllListeners('error');
    // A late error on the raw socket must not crash the process; the TLS socket reports it.
    this.socket.on('error', () => {});
    this.buffer = Buffer.alloc(0);
    return this.socket as Socket;
  }

  /** Continues on the upgraded socket. */
  replace(socket: TLSSocket): void {
    this.socket = socket;
    this.ended = null;
    this.attach(socket);
  }

  close(): void {
    this.socket.destroy();
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.pump();
    });
    const onEnd = (err?: Error) => {
      if (this.ended) return;
      const reset = (err as { code?: string } | undefined)?.code;
      this.ended = new ConnectionFailure(
        {
          code: 'protocol',
          message:
            reset === 'ECONNRESET' ? 'The server reset the connection' : 'The server closed the connection',
          hint: defaultHints.protocol,
        },
        { cause: err },
      );
      this.pump();
    };
    socket.on('end', () => onEnd());
    socket.on('close', () => onEnd());
    socket.on('error', (err) => onEnd(err));
  }

  private read(kind: Waiter['kind'], count: number, opts: ReadOptions): Promise<string> {
    if (this.waiter) return Promise.reject(new Error('LineSocket: one read at a time'));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(
          opts.onTimeout?.() ??
            new ConnectionFailure({
              code: 'timeout',
              message: `No answer to ${opts.what} within ${opts.totalMs ?? opts.timeoutMs} ms`,
              hint: defaultHints.timeout,
            }),
        );
      }, opts.timeoutMs);
      this.waiter = { kind, count, resolve, reject, timer };
      this.pump();
    });
  }

  private pump(): void {
    const w = this.waiter;
    if (!w) return;
    if (w.kind === 'line') {
      const nl = this.buffer.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buffer.subarray(0, nl).toString('utf8').replace(/\r$/, '');
        this.buffer = this.buffer.subarray(nl + 1);
        this.transcript.server(line);
        this.settle(w, line);
        return;
      }
    } else if (this.buffer.length >= w.count) {
      const data = this.buffer.subarray(0, w.count).toString('utf8');
      this.buffer = this.buffer.subarray(w.count);
      this.transcript.server(data);
      this.settle(w, data);
      return;
    }
    if (this.ended) {
      clearTimeout(w.timer);
      this.waiter = null;
      w.reject(this.ended);
    }
  }

  private settle(w: Waiter, value: string): void {
    clearTimeout(w.timer);
    this.waiter = null;
    w.resolve(value);
  }
}
