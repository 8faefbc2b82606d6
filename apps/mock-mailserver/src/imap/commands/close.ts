import { type ImapCommand, ok } from '../session.js';
import { expungeDeleted } from './expunge.js';

/** CLOSE (RFC 3501 6.4.2): expunges \Deleted messages without telling, then deselects. */
export const close: ImapCommand = {
  states: ['selected'],
  run(session) {
    const mailbox = session.mailbox;
    const indexes = mailbox.ids.map((_, i) => i);
    if (!mailbox.readOnly) expungeDeleted(session, indexes);
    session.deselect();
    return ok('CLOSE completed');
  },
};
