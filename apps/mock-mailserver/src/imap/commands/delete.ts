import { INBOX } from '../../mailbox.js';
import { folderName } from '../folders.js';
import { text } from '../parser.js';
import { type ImapCommand, no, ok } from '../session.js';

/** DELETE (RFC 3501 6.3.4): removes a folder and the messages in it from the server; never INBOX. */
export const deleteCommand: ImapCommand = {
  states: ['authenticated', 'selected'],
  run(session, _tag, args) {
    const folder = folderName(text(args[0], 'mailbox name'));
    if (folder === INBOX) return no('INBOX cannot be deleted');
    const { folders, store } = session.ctx;
    if (!folders.exists(session.login, folder)) return no('[NONEXISTENT] No such mailbox');
    if (session.selected?.name === folder) session.deselect();
    for (const message of folders.view(session.login, folder).messages()) store.delete(message.id);
    folders.remove(session.login, folder);
    return ok('DELETE completed');
  },
};
