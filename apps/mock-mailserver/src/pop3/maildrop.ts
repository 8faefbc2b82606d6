import { INBOX, maildropFilter } from '../mailbox.js';
import type { Pop3Session } from './session.js';

/** Logs the user in: takes the snapshot of their maildrop and enters the transaction state. */
export function openMaildrop(session: Pop3Session, user: string): void {
  session.user = user;
  // RFC 1939 numbers messages oldest first; the store lists newest first.
  // Only INBOX: a message an IMAP client moved to another folder has left the maildrop.
  session.maildrop = session.ctx.store
    .query(maildropFilter(user))
    .filter((m) => m.folder === INBOX)
    .reverse()
    .map((m) => ({ id: m.id, size: m.size, deleted: false }));
  session.state = 'transaction';
  session.write(`+OK ${user} has ${session.maildrop.length} messages`);
}
