import { string, utf8 } from '../encode.js';
import { hasFlag } from '../flags.js';
import { folderName } from '../folders.js';
import { flagsOf } from '../message.js';
import { atom, ImapParseError, listOf, text } from '../parser.js';
import { type ImapCommand, no, ok } from '../session.js';

/** STATUS (RFC 3501 6.3.10, SIZE from RFC 8438): counts of a folder without selecting it. */
export const status: ImapCommand = {
  states: ['authenticated', 'selected'],
  run(session, _tag, args) {
    const folder = folderName(text(args[0], 'mailbox name'));
    if (args[1]?.type !== 'list') throw new ImapParseError('STATUS needs a list of items');
    const items = listOf(args[1]).map((item) => atom(item, 'a status item'));
    const { store, folders } = session.ctx;
    if (!folders.exists(session.login, folder)) return no('[NONEXISTENT] No such mailbox');
    const messages = folders.view(session.login, folder).messages();
    const values = items.map((item) => {
      switch (item) {
        case 'MESSAGES':
          return `MESSAGES ${messages.length}`;
        case 'RECENT':
          return 'RECENT 0';
        case 'UIDNEXT':
          return `UIDNEXT ${store.uidNext}`;
        case 'UIDVALIDITY':
          return `UIDVALIDITY ${store.uidValidity}`;
        case 'UNSEEN':
          return `UNSEEN ${messages.filter((m) => !hasFlag(flagsOf(m), '\\Seen')).length}`;
        case 'SIZE':
          return `SIZE ${messages.reduce((sum, m) => sum + m.size, 0)}`;
        default:
          throw new ImapParseError(`unknown STATUS item ${item}`);
      }
    });
    session.send(`* STATUS ${string(utf8(folder))} (${values.join(' ')})`);
    return ok('STATUS completed');
  },
};
