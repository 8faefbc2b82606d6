import { text } from '../parser.js';
import { type ImapCommand, no, ok } from '../session.js';
import { copyMessages, copyUid } from './copy.js';

/**
 * MOVE and UID MOVE (RFC 6851): a copy, then the originals leave the server (gone for POP3 and
 * HTTP too); COPYUID comes untagged first, then an EXPUNGE for each.
 */
export const move: ImapCommand = {
  states: ['selected'],
  async run(session, _tag, args, uid) {
    if (session.mailbox.readOnly) return no('[READ-ONLY] Mailbox is read-only');
    const result = await copyMessages(
      session,
      text(args[0], 'a message set'),
      text(args[1], 'mailbox name'),
      uid,
    );
    if (!('from' in result)) return result;
    if (result.from.length) session.send(`* OK ${copyUid(session, result)} Moved`);
    for (const message of result.originals) session.ctx.store.delete(message.id);
    return ok(`${uid ? 'UID MOVE' : 'MOVE'} completed`);
  },
};
