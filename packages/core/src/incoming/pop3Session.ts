import type { Credentials, TestEnv } from '../connection/env';
import { ConnectionFailure } from '../connection/failure';
import { pop3AuthStep } from '../connection/pop3/auth';
import type { Pop3Capabilities } from '../connection/pop3/capa';
import { pop3CapaStep } from '../connection/pop3/capa';
import { Pop3Commander } from '../connection/pop3/command';
import { pop3GreetingStep } from '../connection/pop3/greeting';
import { pop3StlsStep } from '../connection/pop3/stls';
import { openSession } from '../connection/steps/open';
import type { IncomingParsed } from '../schemas/account';
import type { FetchedMessage, FetchSession } from './types';

/**
 * A POP3 fetch on the connection engine's steps (resolve, connect, TLS, greeting, CAPA, STLS, auth):
 * UIDL tells which messages are new; RETR reads them; DELE (for afterFetch delete) is committed by QUIT.
 */
export async function openPop3Session(
  env: TestEnv,
  part: IncomingParsed & { port: number },
  credentials: Credentials,
): Promise<FetchSession> {
  const io = await openSession(env, part);
  const pop3 = new Pop3Commander(io, env.config.timeouts.commandMs);
  try {
    await pop3GreetingStep(env, io);
    let caps: Pop3Capabilities = await pop3CapaStep(env, pop3, part.security === 'tls');
    if (part.security === 'starttls') {
      await pop3StlsStep(env, io, pop3, part, caps.stls);
      caps = await pop3CapaStep(env, pop3, true);
    }
    await pop3AuthStep(env, pop3, credentials, caps, { host: part.host, port: part.port });
  } catch (err) {
    io.close();
    throw err;
  }
  return {
    async next(limit, known) {
      const list = await pop3.run('UIDL', { multiline: true });
      if (!list.ok)
        throw new ConnectionFailure({
          code: 'protocol',
          message: `UIDL failed: ${list.text}`,
          hint: 'The server must support UIDL so Mailroom can tell new messages from seen ones.',
          reply: list.text,
        });
      const entries = list.lines
        .map((l) => l.split(' '))
        .filter((p): p is [string, string] => p.length >= 2)
        .map(([n, uidl]) => ({ n, uidl }));
      const seen = await known(entries.map((e) => e.uidl));
      const out: FetchedMessage[] = [];
      for (const e of entries) {
        if (out.length >= limit) break;
        if (seen.has(e.uidl)) continue;
        const r = await pop3.run(`RETR ${e.n}`, { multiline: true });
        if (!r.ok) continue;
        out.push({
          source: Buffer.from(`${r.lines.join('\r\n')}\r\n`),
          uidl: e.uidl,
          msgNumber: Number(e.n),
        });
      }
      return out;
    },
    async settle(messages, afterFetch) {
      if (afterFetch !== 'delete') return;
      for (const m of messages) if (m.msgNumber) await pop3.run(`DELE ${m.msgNumber}`);
    },
    cursor: () => ({ mailbox: null, uidValidity: null, lastUid: 0 }),
    async close() {
      // QUIT commits DELE; without DELE a QUIT is still polite.
      await pop3.run('QUIT').catch(() => undefined);
      io.close();
    },
  };
}
