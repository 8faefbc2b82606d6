import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import { MockSMTPConnection } from './connection.js';

export type SmtpError = Error & { responseCode?: number };

/** What a connection does before its greeting: the delay it waits is the configured one, or 0. */
export interface GreetingScheduled {
  sessionId: string;
  remoteAddress: string;
  delayMs: number;
}

export interface MockSMTPServerOptions extends SMTPServerOptions {
  /** Pause before the greeting; smtp-server hard-codes 100 ms, the mock defaults to 0. */
  greetingDelayMs?: number;
  /** Called when a connection schedules its greeting (the mock's log, tests). */
  onGreetingScheduled?: (event: GreetingScheduled) => void;
  /** Called when a client sends DATA, before the 354; an error answers DATA instead. */
  beforeData?: (connection: MockSMTPConnection, proceed: (error?: SmtpError) => void) => void;
}

/** An SMTPServer whose connections are MockSMTPConnection: configurable greeting delay, a DATA hook, dropping. */
export class MockSMTPServer extends SMTPServer {
  readonly greetingDelayMs: number;
  readonly onGreetingScheduled: MockSMTPServerOptions['onGreetingScheduled'];
  readonly beforeData: MockSMTPServerOptions['beforeData'];
  private readonly byId = new Map<string, MockSMTPConnection>();
  private readonly timers = new Map<string, Set<NodeJS.Timeout>>();

  constructor({ greetingDelayMs = 0, onGreetingScheduled, beforeData, ...options }: MockSMTPServerOptions) {
    super(options);
    this.greetingDelayMs = greetingDelayMs;
    this.onGreetingScheduled = onGreetingScheduled;
    this.beforeData = beforeData;
  }

  // Same steps as SMTPServer.connect(), with the mock's connection class.
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new MockSMTPConnection(this, socket, socketOptions);
    this.connections.add(connection);
    this.byId.set(connection.id, connection);
    socket.once('close', () => {
      this.byId.delete(connection.id);
      for (const timer of this.timers.get(connection.id) ?? []) clearTimeout(timer);
      this.timers.delete(connection.id);
    });
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }

  connection(sessionId: string): MockSMTPConnection | undefined {
    return this.byId.get(sessionId);
  }

  /** Runs `fn` after `ms`, unless the session's connection closes first. */
  later(sessionId: string, ms: number, fn: () => void): void {
    const timers = this.timers.get(sessionId) ?? new Set<NodeJS.Timeout>();
    this.timers.set(sessionId, timers);
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
  }

  /** Closes the listener and every open connection at once (a test server has nothing to drain). */
  shutdown(): Promise<void> {
    return new Promise((resolve) => {
      this.close(() => resolve());
      for (const connection of this.byId.values()) connection.drop();
    });
  }
}
