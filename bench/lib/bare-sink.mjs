// The library's own ceiling: smtp-server + mailparser, parse every message and keep nothing.
// Usage: node bare-sink.mjs <port> [--no-greeting-pause]
//
// With --no-greeting-pause the fixed 100 ms early-talker pause of SMTPConnection.init() is
// replaced by an immediate greeting, the same override the mock server ships, so the
// per-connection ceiling of the library itself can be compared with the mock.
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

const port = Number(process.argv[2]);
const noPause = process.argv.includes('--no-greeting-pause');

class ImmediateConnection extends SMTPConnection {
  init() {
    this._setListeners(() => setImmediate(() => this.connectionReady()));
  }
}

class Sink extends SMTPServer {
  connect(socket, socketOptions) {
    if (!noPause) return super.connect(socket, socketOptions);
    const connection = new ImmediateConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}

const server = new Sink({
  authOptional: true,
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream).then(
      () => callback(null, 'OK'),
      (err) => callback(err),
    );
  },
});
server.on('error', () => {});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
