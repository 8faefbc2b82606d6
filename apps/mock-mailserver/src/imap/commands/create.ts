import { folderName } from '../folders.js';
import { text } from '../parser.js';
import { bad, type ImapCommand, no, ok } from '../session.js';

/** CREATE (RFC 3501 6.3.3): a folder for COPY, MOVE and APPEND; it lasts while it holds mail (or until restart). */
export const create: ImapCommand = {
  states: ['authenticated', 'selected'],
  run(session, _tag, args) {
    const folder = folderName(text(args[0], 'mailbox name').replace(/\/$/, ''));
    if (!folder) return bad('CREATE needs a mailbox name');
    const { folders } = session.ctx;
    if (folders.exists(session.login, folder)) return no('[ALREADYEXISTS] Mailbox already exists');
    folders.create(session.login, folder);
    return ok('CREATE completed');
  },
};
