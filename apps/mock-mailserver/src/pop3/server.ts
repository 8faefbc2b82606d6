import net from 'node:net';
import { listen } from '../listen.js';
import { type Pop3Context, Pop3Session } from './session.js';

/** Starts the POP3 listener (plain with STLS). */
export async function startPop3(
  ctx: Pop3Context,
  options: { host: string; port: number },
): Promise<{ port: number; close: () => Promise<void> }> {
  const sessions = new Set<Pop3Session>();
  const server = net.createServer((socket) => {
    const session = new Pop3Session(socket, ctx);
    sessions.add(session);
    socket.once('close', () => sessions.delete(session));
  });
  const port = await listen(server, options.port, options.host);
  server.on('error', (error) => ctx.log(`pop3: ${error.message}`));
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
      }),
  };
}
