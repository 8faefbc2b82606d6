import { hasFlag } from '../flags.js';
import { flagsOf } from '../message.js';
import { text } from '../parser.js';
import { type ImapCommand, type ImapSession, no, ok } from '../session.js';

/** Deletes from the server the messages flagged \Deleted (among `indexes` when given): gone for POP3 and HTTP too. */
export function expungeDeleted(session: ImapSession, indexes?: number[]): void {
  const { store } = session.ctx;
  const mailbox = session.mailbox;
  const ids = indexes ? indexes.map((i) => mailbox.ids[i]!) : [...mailbox.ids];
  for (const id of ids) {
    const message = store.get(id);
    if (message && hasFlag(flagsOf(message), '\\Deleted')) store.delete(id);
  }
}

/** EXPUNGE (RFC 3501 6.4.3) and UID EXPUNGE (UIDPLUS, RFC 4315): an EXPUNGE response for each. */
export const expunge: ImapCommand = {
  states: ['selected'],
  run(session, _tag, args, uid) {
    if (session.mailbox.readOnly) return no('[READ-ONLY] Mailbox is read-only');
    expungeDeleted(session, uid ? session.mailbox.indexes(text(args[0], 'a UID set'), true) : undefined);
    return ok(`${uid ? 'UID EXPUNGE' : 'EXPUNGE'} completed`);
  },
};
