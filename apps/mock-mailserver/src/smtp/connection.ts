import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { bearerAuth, isBearerAuth } from '../oauth/smtp.js';
import type { MockSMTPServer } from './server.js';

/**
 * An SMTP connection whose greeting delay is configurable.
 *
 * smtp-server's SMTPConnection.init() always waits a fixed 100 ms before the greeting to
 * catch clients that talk before it (there is no option for it). That pause caps a client
 * that opens one connection per message at ten messages per second per connection, which
 * is all a test suite does. This class replaces init() with the same steps and a delay taken
 * from MockSMTPServer (0 by default): one method, overriding only the timer, so everything
 * else in the connection stays the library's. `greeting.test.ts` fails if a new smtp-server
 * changes init() in a way this no longer covers.
 */
export class MockSMTPConnection extends SMTPConnection {
  /** Set by a `data` stage drop rule: the connection is cut once message content starts to arrive. */
  dropDuringData = false;

  private get mockServer(): MockSMTPServer {
    return this._server as MockSMTPServer;
  }

  override init(): void {
    this._setListeners(() => {
      const { maxClients } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) {
        return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      }
      const delay = this.mockServer.greetingDelayMs;
      // Said before the timer starts, so a test can check which delay applies without timing it.
      this.mockServer.onGreetingScheduled?.({
        sessionId: this.id,
        remoteAddress: this.remoteAddress,
        delayMs: delay,
      });
      if (delay > 0) setTimeout(() => this.connectionReady(), delay).unref();
      else setImmediate(() => this.connectionReady());
    });
  }

  /** Runs the server's `beforeData` hook (the `data` fault stage) before the library answers DATA. */
  override handler_DATA(command: Buffer, callback: () => void): void {
    const hook = this.mockServer.beforeData;
    if (!hook || !this.session.envelope.rcptTo.length) {
      super.handler_DATA(command, callback);
      return;
    }
    hook(this, (error) => {
      if (this._closing || this._closed) return callback();
      if (error) {
        this.send(error.responseCode ?? 554, error.message);
        return callback();
      }
      super.handler_DATA(command, callback);
    });
  }

  /** XOAUTH2 and OAUTHBEARER run the mock's own exchange (Gmail's replies; smtp-server has no OAUTHBEARER). */
  override handler_AUTH(command: Buffer, callback: () => void): void {
    // A bearer mechanism the OAuth options leave out goes to smtp-server, which answers 504 (not offered).
    if (isBearerAuth(command, this._server.options.authMethods)) bearerAuth(this, command, callback);
    else super.handler_AUTH(command, callback);
  }

  /** Cuts the connection without a reply, as a crashed or overloaded server would. */
  drop(): void {
    this._socket.destroy();
  }
}
