import { normalizeFlag, SYSTEM_FLAGS } from '../flags.js';
import { changeFlags } from '../message.js';
import { atom, ImapParseError, listOf, text } from '../parser.js';
import { type ImapCommand, no, ok } from '../session.js';

const SETTABLE = new Set<string>(SYSTEM_FLAGS);

/** A flag a client may set: a system flag other than \Recent, or a keyword atom. */
export function checkFlag(raw: string): string {
  const flag = normalizeFlag(raw);
  if (flag.startsWith('\\') ? !SETTABLE.has(flag) : !/^[^\s(){%*"\\\]]+$/.test(flag)) {
    throw new ImapParseError(`invalid flag ${raw}`);
  }
  return flag;
}

/** STORE and UID STORE (RFC 3501 6.4.6): FLAGS, +FLAGS, -FLAGS, each with .SILENT. `\Seen` is the shared read state. */
export const store: ImapCommand = {
  states: ['selected'],
  expunges: false,
  run(session, _tag, args, uid) {
    const set = atom(args[0], 'a message set');
    const item = atom(args[1], 'FLAGS, +FLAGS or -FLAGS');
    const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
    if (!m) throw new ImapParseError(`unknown STORE item ${item}`);
    const flags = (args[2]?.type === 'list' ? args[2].items : args.slice(2))
      .flatMap((t) => listOf(t))
      .map((t) => checkFlag(text(t, 'flag')));
    const mailbox = session.mailbox;
    if (mailbox.readOnly) return no('[READ-ONLY] Mailbox is read-only');
    const change = m[1] === '+' ? { add: flags } : m[1] === '-' ? { remove: flags } : { set: flags };
    const { store: messages } = session.ctx;
    for (const index of mailbox.indexes(set, uid)) {
      const message = messages.get(mailbox.ids[index]!);
      if (!message) continue;
      const now = mailbox.ownChange(() => changeFlags(messages, message, change));
      if (now && !m[2]) {
        session.send(`* ${index + 1} FETCH (FLAGS (${now.join(' ')})${uid ? ` UID ${message.uid}` : ''})`);
      }
    }
    return ok(`${uid ? 'UID STORE' : 'STORE'} completed`);
  },
};
