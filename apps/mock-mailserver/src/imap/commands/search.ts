import { flagsOf } from '../message.js';
import { atom, ImapParseError, text } from '../parser.js';
import { compileSearch } from '../search.js';
import { type ImapCommand, no, ok } from '../session.js';

/** SEARCH and UID SEARCH (RFC 3501 6.4.4, 6.4.8): sequence numbers or UIDs of the matches, ascending. */
export const search: ImapCommand = {
  states: ['selected'],
  expunges: false,
  run(session, _tag, args, uid) {
    let keys = args;
    if (keys[0]?.type === 'atom' && keys[0].value.toUpperCase() === 'CHARSET') {
      const charset = text(keys[1], 'charset').toUpperCase();
      if (charset !== 'UTF-8' && charset !== 'US-ASCII')
        return no('[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset');
      keys = keys.slice(2);
    }
    if (keys[0]?.type === 'atom' && atom(keys[0]) === 'RETURN')
      throw new ImapParseError('SEARCH RETURN (ESEARCH) is not supported');
    const predicate = compileSearch(keys);
    const { store } = session.ctx;
    const mailbox = session.mailbox;
    const maxSeq = mailbox.ids.length;
    const maxUid = mailbox.uids[maxSeq - 1] ?? 0;
    const found: number[] = [];
    mailbox.ids.forEach((id, i) => {
      const message = store.get(id);
      if (!message) return;
      const subject = { message, flags: flagsOf(message), seq: i + 1, uid: message.uid, maxSeq, maxUid };
      if (predicate(subject)) found.push(uid ? message.uid : i + 1);
    });
    session.send(`* SEARCH${found.map((n) => ` ${n}`).join('')}`);
    return ok(`${uid ? 'UID SEARCH' : 'SEARCH'} completed`);
  },
};
