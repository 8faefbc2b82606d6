import net from 'node:net';
import tls from 'node:tls';
import { listen } from '../listen.js';
import { type ImapContext, ImapSession } from './session.js';

/** Starts an IMAP listener: plain with STARTTLS, or implicit TLS (`secure`). */
export async function startImap(
  ctx: ImapContext,
  options: { host: string; port: number; secure: boolean },
): Promise<{ port: number; close: () => Promise<void> }> {
  const sessions = new Set<ImapSession>();
  const accept = (socket: net.Socket) => {
    const session = new ImapSession(socket, ctx);
    sessions.add(session);
    socket.once('close', () => sessions.delete(session));
    void session.start();
  };
  const server = options.secure
    ? tls.createServer({ key: ctx.certificate.key, cert: ctx.certificate.cert }, accept)
    : net.createServer(accept);
  // A client that fails the TLS handshake is its own problem, not the server's.
  server.on('tlsClientError', (error) => ctx.log(`imaps: TLS handshake failed: ${error.message}`));
  const port = await listen(server, options.port, options.host);
  server.on('error', (error) => ctx.log(`imap: ${error.message}`));
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
      }),
  };
}
