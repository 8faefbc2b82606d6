import type { Socket } from 'node:net';
import type { Destination } from '../../door/destination';
import { connectTcp } from '../../door/tcp';
import { classifyError } from '../classify';
import { ConnectionFailure } from '../failure';
import { defaultHints } from '../hints';
import type { StepRecorder } from '../runner';

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
