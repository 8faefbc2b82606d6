// Redaction of secrets in the escaped forms they take on the wire: IMAP's quoted string (LOGIN "user"
// "pa\"ss") and JSON strings both write `"` and `\` with a backslash, so a server that echoes the line
// shows the password in a form that is neither the clear text nor an encoding of it. Whole or nothing:
// a masked start with the rest of the password readable after its first quote is a leak.
import { createServer, type Server, type Socket } from 'node:net';
import { redact } from '@mailroom/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Client, startTarget, type Target } from './support/target';

const USER = 'sales@example.com';
/** A generated password with the two characters IMAP and JSON escape. */
const PASSWORD = 'Kp7#"Tail-Of-The\\Secret-91';
/** What stays readable when only the start of the password is masked. */
const TAIL = 'Tail-Of-The';

describe('escaped forms of a secret are masked whole', () => {
  const imapQuoted = PASSWORD.replace(/["\\]/g, '\\$&');
  const jsonString = JSON.stringify(PASSWORD).slice(1, -1);

  it.each([
    ['an IMAP NO echoing LOGIN', `a2 NO [AUTHENTICATIONFAILED] LOGIN "${USER}" "${imapQuoted}" rejected`],
    ['a JSON error body', `{"error":"invalid_grant","detail":"password ${jsonString} is wrong"}`],
    ['a JSON body quoted twice', JSON.stringify(JSON.stringify({ password: PASSWORD }))],
  ])('%s', (_what, text) => {
    const out = redact(text, [PASSWORD]);
    expect(out).not.toContain(TAIL);
    expect(out).not.toContain('Secret-91');
  });
});

let target: Target;
let viewer: Client;
const closers: Array<() => Promise<void>> = [];

/** An IMAP server without AUTH=PLAIN (so the client uses LOGIN) whose NO repeats the LOGIN line. */
async function echoingImap(): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write('* OK echo.test IMAP4rev1 ready\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      for (let nl = buffered.indexOf('\r\n'); nl >= 0; nl = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 2);
        const [tag = '*', verb = ''] = line.split(' ');
        if (/^CAPABILITY$/i.test(verb)) socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
        else if (/^LOGIN$/i.test(verb)) socket.write(`${tag} NO [AUTHENTICATIONFAILED] ${line} rejected\r\n`);
        else if (/^LOGOUT$/i.test(verb)) socket.end(`* BYE\r\n${tag} OK bye\r\n`);
        else socket.write(`${tag} BAD unknown\r\n`);
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  closers.push(
    () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  );
  return (server.address() as { port: number }).port;
}

describe('an IMAP server echoing the quoted LOGIN line', () => {
  beforeEach(async () => {
    target = await startTarget({ MAILROOM_ALLOW_PRIVATE_HOSTS: 'true' });
    viewer = await target.client('viewer');
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await target.close();
  });

  it('leaves nothing of the password in the test result, the account or the Main Log', async () => {
    const port = await echoingImap();
    const created = await target.admin.call('POST', '/api/v1/accounts', {
      name: 'Echo LOGIN',
      debug: true,
      incoming: {
        protocol: 'imap',
        host: '127.0.0.1',
        port,
        security: 'none',
        auth: { method: 'password', username: USER, password: PASSWORD },
      },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const tested = await target.admin.call('POST', `/api/v1/accounts/${id}/test`, { direction: 'incoming' });
    // The test did reach the LOGIN and fail on the echo (the point is what is kept of it).
    expect(tested.text).toContain('AUTHENTICATIONFAILED');
    const texts = [tested.text];
    for (const path of [
      `/api/v1/accounts/${id}`,
      `/api/v1/accounts/${id}/timeline`,
      `/api/v1/logs?accountId=${id}&pageSize=500`,
    ]) {
      const r = await viewer.call('GET', path);
      expect(r.status, r.text).toBe(200);
      texts.push(r.text);
    }
    const text = texts.join('\n');
    expect(text).not.toContain(TAIL);
    expect(text).not.toContain('Secret-91');
  });
});
