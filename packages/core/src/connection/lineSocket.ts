import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ConnectionFailure } from './failure';
import { defaultHints } from './hints';
import type { Transcript } from './transcript';

type Waiter = {
  kind: 'line' | 'bytes';
  count: number;
  what: string;
  budget: ReplyBudget | undefined;
  resolve: (v: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
};

/**
 * The longest line a server may send: far above what any of these protocols allows (SMTP and POP3 replies
 * 512 bytes, a mail's lines 998), low enough that a server streaming one endless line is cut off early. It is
 * also how much is read ahead of the reader: past it the socket is paused, so an answer that is not being
 * read waits in the network, not in memory.
 */
export const MAX_LINE = 1024 * 1024;
/** The longest IMAP literal read here (a mailbox name, never message data: fetches use imapflow). */
export const MAX_LITERAL = 1024 * 1024;
/** What one reply (every line of it) may add up to, unless the reader asks for more (a POP3 RETR). */
export const MAX_REPLY = 1024 * 1024;

/** The bytes one reply may still take; shared by every read of that reply (see `sharedDeadline`). */
export type ReplyBudget = { left: number; max: number };

export type ReadOptions = {
  timeoutMs: number;
  /** The command or step waiting, named in timeout messages ("EHLO", "greeting"). */
  what: string;
  /** Builds the failure on timeout; the default is a `timeout` failure. */
  onTimeout?: () => ConnectionFailure;
  /** The whole budget this read is part of, named in the timeout message (see `sharedDeadline`). */
  totalMs?: number;
  /** The bytes the reply this read is part of may still take. */
  budget?: ReplyBudget;
};

/**
 * Read options for every line of one reply, sharing one deadline and one size bound: a server that drips a
 * long reply line by line, each just inside the timeout, still fails once the command's time is spent, and
 * one that floods it with endless continuation lines once `maxBytes` (default MAX_REPLY) are read.
 */
export function sharedDeadline(opts: ReadOptions & { maxBytes?: number }): () => ReadOptions {
  const end = Date.now() + opts.timeoutMs;
  const max = opts.maxBytes ?? MAX_REPLY;
  const budget = opts.budget ?? { left: max, max };
  return () => ({
    ...opts,
    budget,
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
      // Read ahead at most one line's worth: the rest waits in the network until it is read.
      if (this.buffer.length >= MAX_LINE) socket.pause();
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
    if (kind === 'bytes' && count > MAX_LITERAL) {
      return Promise.reject(
        this.tooLong(
          `The server announced ${count} bytes for ${opts.what}, longer than ${MAX_LITERAL}`,
          MAX_LITERAL,
        ),
      );
    }
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
      this.waiter = { kind, count, what: opts.what, budget: opts.budget, resolve, reject, timer };
      this.pump();
    });
  }

  private pump(): void {
    const w = this.waiter;
    if (!w) return;
    if (w.kind === 'line') {
      const nl = this.buffer.indexOf(0x0a);
      if (nl >= 0) {
        if (!this.spend(w, nl + 1)) return;
        const line = this.buffer.subarray(0, nl).toString('utf8').replace(/\r$/, '');
        this.buffer = this.buffer.subarray(nl + 1);
        this.transcript.server(line);
        this.settle(w, line);
        return;
      }
      if (this.buffer.length >= MAX_LINE) {
        this.fail(
          w,
          this.tooLong(`The server sent a line longer than ${MAX_LINE} bytes (${w.what})`, MAX_LINE),
        );
        return;
      }
    } else if (this.buffer.length >= w.count) {
      if (!this.spend(w, w.count)) return;
      const data = this.buffer.subarray(0, w.count).toString('utf8');
      this.buffer = this.buffer.subarray(w.count);
      this.transcript.server(data);
      this.settle(w, data);
      return;
    }
    if (this.ended) this.fail(w, this.ended);
  }

  /** Takes `bytes` from the reply's budget; false (and the read failed) when the reply is too long. */
  private spend(w: Waiter, bytes: number): boolean {
    if (!w.budget) return true;
    w.budget.left -= bytes;
    if (w.budget.left >= 0) return true;
    this.fail(
      w,
      this.tooLong(`The server's answer to ${w.what} is longer than ${w.budget.max} bytes`, w.budget.max),
    );
    return false;
  }

  /** A bound was hit: nothing more is read from this server. `detail.limit` tells it from a closed connection. */
  private tooLong(message: string, limit: number): ConnectionFailure {
    const failure = new ConnectionFailure(
      { code: 'protocol', message, hint: defaultHints.protocol },
      { detail: { limit } },
    );
    this.ended = failure;
    this.buffer = Buffer.alloc(0);
    this.socket.destroy();
    return failure;
  }

  private settle(w: Waiter, value: string): void {
    clearTimeout(w.timer);
    this.waiter = null;
    // What was read ahead is consumed: let the server send more.
    if (this.socket.isPaused() && this.buffer.length < MAX_LINE && !this.ended) this.socket.resume();
    w.resolve(value);
  }

  private fail(w: Waiter, err: Error): void {
    clearTimeout(w.timer);
    this.waiter = null;
    w.reject(err);
  }
}
