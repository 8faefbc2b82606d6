import type { AddressInfo, Server } from 'node:net';

/** Listens on host:port and resolves with the bound port; rejects when binding fails (EADDRINUSE …). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
