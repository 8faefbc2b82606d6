import { connect as netConnect, type Socket } from 'node:net';
import { ConnectionFailure } from '../connection/failure';
import { defaultHints } from '../connection/hints';

/** Opens a TCP connection to one checked address within the timeout. */
export function connectTcp(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new ConnectionFailure({
          code: 'timeout',
          message: `No connection to ${address}:${port} within ${timeoutMs} ms`,
          hint: defaultHints.timeout,
        }),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}
