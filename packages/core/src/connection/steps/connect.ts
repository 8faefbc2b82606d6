import { connect as netConnect, type Socket } from 'node:net';
import { classifyError } from '../classify';
import { ConnectionFailure } from '../failure';
import type { Destination } from '../guard';
import { defaultHints } from '../hints';
import type { StepRecorder } from '../runner';

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

/** Step "connect": tries the checked addresses in order and keeps the first that answers. */
export function connectStep(
  steps: StepRecorder,
  dest: Destination,
  port: number,
  timeoutMs: number,
): Promise<Socket> {
  return steps.run('connect', async () => {
    const tried: Array<{ address: string; error: string }> = [];
    let last: unknown;
    // At most three addresses, so a name with many dead addresses still fails in bounded time.
    for (const { address } of dest.addresses.slice(0, 3)) {
      try {
        const socket = await connectTcp(address, port, timeoutMs);
        socket.setNoDelay(true);
        return {
          value: socket,
          detail: {
            address,
            port,
            ...(tried.length ? { tried } : {}),
            local: `${socket.localAddress}:${socket.localPort}`,
          },
        };
      } catch (err) {
        last = err;
        tried.push({ address, error: classifyError(err).code });
      }
    }
    const info = classifyError(last, { host: dest.hostname, port });
    throw new ConnectionFailure(info, { cause: last, detail: { port, tried } });
  });
}
