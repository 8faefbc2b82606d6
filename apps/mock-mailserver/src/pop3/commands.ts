import { passwordMatches } from '../credentials.js';
import { PASSWORD_REFUSED } from '../oauth/sasl.js';
import { auth } from './auth.js';
import { openMaildrop } from './maildrop.js';
import type { MaildropItem, Pop3Session } from './session.js';

type State = Pop3Session['state'];

export interface Pop3Command {
  states: State[];
  run(session: Pop3Session, args: string[]): void | Promise<void>;
}

const AUTH: State[] = ['authorization'];
const TRANS: State[] = ['transaction'];

/** Looks up message `n` (1-based) of the maildrop, answering -ERR itself when there is none. */
function item(session: Pop3Session, arg: string | undefined): MaildropItem | undefined {
  const n = Number(arg);
  const found = Number.isInteger(n) && n >= 1 ? session.maildrop[n - 1] : undefined;
  if (!found || found.deleted) {
    session.write(found ? '-ERR message already deleted' : '-ERR no such message');
    return undefined;
  }
  return found;
}

async function rawOf(session: Pop3Session, entry: MaildropItem): Promise<Buffer | undefined> {
  const raw = await session.ctx.store.raw(entry.id);
  if (!raw) session.write('-ERR message was removed from the server');
  return raw;
}

const live = (session: Pop3Session) => session.maildrop.filter((m) => !m.deleted);

/** One handler per POP3 command (RFC 1939, 2449 CAPA, 2595 STLS). */
export const COMMANDS: Record<string, Pop3Command> = {
  CAPA: {
    states: ['authorization', 'transaction'],
    run(session) {
      const caps = [
        'USER',
        'UIDL',
        'TOP',
        'RESP-CODES',
        'AUTH-RESP-CODE',
        'PIPELINING',
        ['SASL', 'PLAIN', ...session.ctx.oauth.mechanisms].join(' '),
        'IMPLEMENTATION mock-mailserver',
      ];
      if (!session.secure && session.state === 'authorization') caps.push('STLS');
      session.writeMultiline('+OK capability list follows', caps);
    },
  },
  STLS: {
    states: AUTH,
    run(session) {
      if (session.secure) return session.write('-ERR already using TLS');
      session.write('+OK begin TLS negotiation');
      session.startTls();
    },
  },
  USER: {
    states: AUTH,
    run(session, [name]) {
      if (!name) return session.write('-ERR USER needs a name');
      session.user = name;
      session.write('+OK send PASS');
    },
  },
  PASS: {
    states: AUTH,
    run(session, args) {
      const user = session.user;
      if (!user) return session.write('-ERR send USER first');
      if (session.ctx.oauth.requiresToken(user)) {
        session.user = null;
        return session.write(PASSWORD_REFUSED.pop3);
      }
      if (!passwordMatches(session.ctx.users, user, args.join(' '))) {
        session.user = null;
        session.ctx.log(`pop3: authentication failed for ${JSON.stringify(user)}`);
        return session.write('-ERR [AUTH] invalid username or password');
      }
      openMaildrop(session, user);
    },
  },
  AUTH: auth,
  STAT: {
    states: TRANS,
    run(session) {
      const messages = live(session);
      session.write(`+OK ${messages.length} ${messages.reduce((sum, m) => sum + m.size, 0)}`);
    },
  },
  LIST: {
    states: TRANS,
    run(session, [arg]) {
      if (arg !== undefined) {
        const entry = item(session, arg);
        if (entry) session.write(`+OK ${arg} ${entry.size}`);
        return;
      }
      const lines = session.maildrop.flatMap((m, i) => (m.deleted ? [] : [`${i + 1} ${m.size}`]));
      session.writeMultiline(`+OK ${lines.length} messages`, lines);
    },
  },
  UIDL: {
    states: TRANS,
    run(session, [arg]) {
      if (arg !== undefined) {
        const entry = item(session, arg);
        if (entry) session.write(`+OK ${arg} ${entry.id}`);
        return;
      }
      const lines = session.maildrop.flatMap((m, i) => (m.deleted ? [] : [`${i + 1} ${m.id}`]));
      session.writeMultiline('+OK unique-id listing follows', lines);
    },
  },
  RETR: {
    states: TRANS,
    async run(session, [arg]) {
      const entry = item(session, arg);
      const raw = entry && (await rawOf(session, entry));
      if (entry && raw) session.writeMultiline(`+OK ${entry.size} octets`, raw);
    },
  },
  TOP: {
    states: TRANS,
    async run(session, [arg, linesArg]) {
      const lines = Number(linesArg);
      if (!Number.isInteger(lines) || lines < 0)
        return session.write('-ERR TOP needs a message and a line count');
      const entry = item(session, arg);
      const raw = entry && (await rawOf(session, entry));
      if (!raw) return;
      const text = raw.toString('latin1');
      const split = /\r?\n\r?\n/.exec(text);
      const head = split ? text.slice(0, split.index) : text;
      const body = split ? text.slice(split.index + split[0].length).split(/\r?\n/) : [];
      const out = [head, '', ...body.slice(0, lines)].join('\r\n');
      session.writeMultiline('+OK top of message follows', Buffer.from(out, 'latin1'));
    },
  },
  DELE: {
    states: TRANS,
    run(session, [arg]) {
      const entry = item(session, arg);
      if (!entry) return;
      entry.deleted = true;
      session.write(`+OK message ${arg} deleted`);
    },
  },
  RSET: {
    states: TRANS,
    run(session) {
      for (const m of session.maildrop) m.deleted = false;
      session.write(`+OK maildrop has ${session.maildrop.length} messages`);
    },
  },
  NOOP: {
    states: TRANS,
    run(session) {
      session.write('+OK');
    },
  },
  QUIT: {
    states: ['authorization', 'transaction'],
    run(session) {
      if (session.state === 'transaction') {
        for (const m of session.maildrop) if (m.deleted) session.ctx.store.delete(m.id);
      }
      session.close('+OK bye');
    },
  },
};
