// A server the Test button is pointed at (any public host a team admin names) must not be able to make
// Mailroom hold unbounded data: a greeting that never ends its line, a reply of endless continuation
// lines, an IMAP literal announced as gigabytes. Each fails the test as `protocol` once a bound is hit,
// and Mailroom stops reading (the socket is closed), instead of buffering until the command timeout.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from './support/target';

let target: Target;
beforeAll(async () => {
  target = await startTarget({ MAILROOM_ALLOW_PRIVATE_HOSTS: 'true' });
});
afterAll(async () => {
  await target?.close();
});

type Flood = { port: number; closedAfter: Promise<number>; close(): Promise<void> };
const floods: Flood[] = [];
afterEach(async () => {
  for (const f of floods.splice(0)) await f.close();
});

/** Writes `prefix`, then `chunk` over and over (up to `total` bytes); resolves how much it wrote when the client closed. */
async function flood(prefix: string, chunk: string, total = 256 * 1024 * 1024): Promise<Flood> {
  const sockets = new Set<Socket>();
  let closed!: (n: number) => void;
  const closedAfter = new Promise<number>((r) => {
    closed = r;
  });
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let written = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      sockets.delete(socket);
      closed(written);
    };
    socket.on('error', finish);
    socket.on('close', finish);
    const block = Buffer.from(chunk.repeat(Math.ceil(65536 / chunk.length)));
    const pump = () => {
      while (!done && written < total) {
        written += block.length;
        if (!socket.write(block)) return socket.once('drain', pump);
      }
    };
    socket.write(prefix);
    pump();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const f: Flood = {
    port: (server.address() as { port: number }).port,
    closedAfter,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
  floods.push(f);
  return f;
}

const smtpTest = (port: number) =>
  target.admin.call('POST', '/api/v1/connection-tests', {
    direction: 'outgoing',
    outgoing: {
      transport: 'smtp',
      host: '127.0.0.1',
      port,
      security: 'none',
      auth: { method: 'none' },
      from: { address: 'sales@example.com' },
    },
  });

describe('the connection test reads a bounded amount from a server', () => {
  it('a greeting line that never ends fails as protocol, and the socket is closed', async () => {
    const server = await flood('220 ', 'A');
    const r = await smtpTest(server.port);
    expect(r.status, r.text).toBe(200);
    expect(r.body.error, r.text).toMatchObject({
      code: 'protocol',
      message: expect.stringMatching(/longer than/),
    });
    // Mailroom stopped reading long before the server ran out of data.
    expect(await server.closedAfter).toBeLessThan(64 * 1024 * 1024);
  });

  it('a reply of endless continuation lines fails as protocol, and the socket is closed', async () => {
    const server = await flood('220-flood.test\r\n', '220-x\r\n');
    const r = await smtpTest(server.port);
    expect(r.body.error, r.text).toMatchObject({
      code: 'protocol',
      message: expect.stringMatching(/longer than/),
    });
    expect(await server.closedAfter).toBeLessThan(64 * 1024 * 1024);
  });

  it('an IMAP literal announced as 1 GB fails at once, without waiting for it', async () => {
    const sockets = new Set<Socket>();
    const imap: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.write('* OK ready\r\n');
      // Whatever is asked, a literal of 1 GB is announced (and never sent).
      socket.once('data', () => socket.write('* CAPABILITY {1073741824}\r\n'));
    });
    await new Promise<void>((ok) => imap.listen(0, '127.0.0.1', () => ok()));
    floods.push({
      port: 0,
      closedAfter: Promise.resolve(0),
      close: () =>
        new Promise<void>((ok) => {
          for (const s of sockets) s.destroy();
          imap.close(() => ok());
        }),
    });
    const r = await target.admin.call('POST', '/api/v1/connection-tests', {
      direction: 'incoming',
      incoming: {
        protocol: 'imap',
        host: '127.0.0.1',
        port: (imap.address() as { port: number }).port,
        security: 'none',
        auth: { method: 'password', username: 'u@example.com', password: 'pw-12345' },
      },
    });
    expect(r.body.error, r.text).toMatchObject({
      code: 'protocol',
      message: expect.stringMatching(/longer than/),
    });
  });
});

describe('a fetch reads a bounded amount from an IMAP server', () => {
  it('refuses a literal announced as 1 GiB at once, instead of waiting for it', async () => {
    const sockets = new Set<Socket>();
    const imap: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n');
      // Whatever is asked: an answer announcing a literal of 1 GiB, and a trickle of it.
      socket.on('data', () => socket.write(`* 1 FETCH (BODY[] {1073741824}\r\n${'x'.repeat(1024)}`));
    });
    await new Promise<void>((ok) => imap.listen(0, '127.0.0.1', () => ok()));
    floods.push({
      port: 0,
      closedAfter: Promise.resolve(0),
      close: () =>
        new Promise<void>((ok) => {
          for (const s of sockets) s.destroy();
          imap.close(() => ok());
        }),
    });
    const created = await target.admin.call('POST', '/api/v1/accounts', {
      name: 'Flooding IMAP',
      incoming: {
        protocol: 'imap',
        host: '127.0.0.1',
        port: (imap.address() as { port: number }).port,
        security: 'none',
        auth: { method: 'password', username: 'u@example.com', password: 'pw-12345' },
      },
    });
    expect(created.status, created.text).toBe(201);
    const r = await target.admin.call('POST', `/api/v1/accounts/${created.body.id}/fetch`, {});
    expect(r.body.error, r.text).toMatchObject({
      code: 'protocol',
      message: expect.stringMatching(/exceeds/),
    });
  });
});
