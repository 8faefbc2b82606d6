// Finding 8 (last item) of the security audit: an account that requires STARTTLS must never send in clear,
// and a server that stops offering STARTTLS (misconfigured, or a stripping middlebox) is a temporary,
// account-level "tls" failure the message waits out (deferred), not a permanent failure of the message.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from './support/target';

type Stripper = { port: number; lines: string[]; close(): Promise<void> };

/** An SMTP server that does not advertise STARTTLS and refuses it like a server without it (502). */
async function withoutStarttls(): Promise<Stripper> {
  const sockets = new Set<Socket>();
  const lines: string[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const say = (s: string) => socket.write(`${s}\r\n`);
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        lines.push(line);
        const verb = line.split(' ')[0]?.toUpperCase();
        if (verb === 'EHLO') say('250-plain.test\r\n250-SIZE 10485760\r\n250 8BITMIME');
        else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET') say('250 ok');
        else if (verb === 'DATA') say('354 go ahead');
        else say('502 5.5.1 Unrecognized command');
      }
    });
    say('220 plain.test ESMTP');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    port: (server.address() as { port: number }).port,
    lines,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

let server: Stripper | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// The delivery thread (on by default in production) carries nodemailer's error across a thread boundary:
// both ways must classify it the same.
describe.each([
  ['in-process', 'false'],
  ['on the delivery thread', 'true'],
])('a required STARTTLS the server does not offer (%s)', (_mode, thread) => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget({ MAILROOM_ALLOW_PRIVATE_HOSTS: 'true', MAILROOM_DELIVERY_THREAD: thread });
  });
  afterAll(async () => {
    await target?.close();
  });

  it('defers the message with a "tls" error and a hint, and nothing is sent in clear', async () => {
    server = await withoutStarttls();
    const account = await target.admin.call('POST', '/api/v1/accounts', {
      name: 'Requires STARTTLS',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: server.port,
        security: 'starttls',
        from: { address: 'sales@example.com' },
        sendMode: 'immediate',
      },
    });
    expect(account.status, account.text).toBe(201);
    const sent = await target.admin.call('POST', '/api/v1/messages', {
      accountId: account.body.id,
      to: ['customer@example.net'],
      subject: 'Order 1001',
      text: 'Thanks!',
      mode: 'immediate',
    });
    // An immediate send answers with the failure (502 delivery_failed) and says the message waits.
    expect(sent.status, sent.text).toBe(502);
    expect(sent.body).toMatchObject({
      code: 'delivery_failed',
      errorClass: 'tls',
      messageStatus: 'deferred',
    });
    const message = await target.admin.call('GET', `/api/v1/messages/${sent.body.messageId}`);
    expect(message.status, message.text).toBe(200);
    expect(message.body, message.text).toMatchObject({
      status: 'deferred',
      lastError: { code: 'tls', hint: expect.stringMatching(/STARTTLS/) },
    });
    expect(message.body.nextAttemptAt).not.toBeNull();
    expect(message.body.attempts[0]).toMatchObject({ ok: false, errorCode: 'tls' });
    // Never a downgrade: the envelope and the message did not cross in clear.
    expect(server.lines.some((l) => /^(MAIL|RCPT|DATA)/i.test(l))).toBe(false);
    expect(server.lines.join('\n')).not.toContain('Order 1001');
  });

  it('the connection test of the same account says "tls" too, with the same advice', async () => {
    server = await withoutStarttls();
    const r = await target.admin.call('POST', '/api/v1/connection-tests', {
      direction: 'outgoing',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: server.port,
        security: 'starttls',
        from: { address: 'sales@example.com' },
      },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      ok: false,
      error: { code: 'tls', hint: expect.stringMatching(/STARTTLS/) },
    });
  });
});
