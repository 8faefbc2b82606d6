import type { StoredMessage } from '../../types.js';
import { folderName } from '../folders.js';
import { text } from '../parser.js';
import { compactSet } from '../sequence.js';
import { type ImapCommand, type ImapSession, no, ok, type Reply } from '../session.js';

/** What a COPY made: the UIDs it copied and the UIDs of the copies, in the same order. */
export interface Copied {
  from: number[];
  to: number[];
  originals: StoredMessage[];
}

/**
 * Copies the messages a set names into a folder of the same login: each copy is a new stored
 * message (a new id and UID) with the original's envelope, flags and internal date.
 */
export async function copyMessages(
  session: ImapSession,
  setText: string,
  target: string,
  uid: boolean,
): Promise<Copied | Reply> {
  const folder = folderName(target);
  const { store, folders, cache } = session.ctx;
  if (!folders.exists(session.login, folder)) return no('[TRYCREATE] No such mailbox');
  const mailbox = session.mailbox;
  const copied: Copied = { from: [], to: [], originals: [] };
  for (const index of mailbox.indexes(setText, uid)) {
    const message = store.get(mailbox.ids[index]!);
    const raw = message && (await cache.raw(message.id));
    if (!message || !raw) continue;
    const copy = await store.ingest({
      raw,
      transport: 'imap',
      envelope: message.envelope,
      authUser: message.authUser,
      secure: message.secure,
      remoteAddress: message.remoteAddress,
      folder,
      read: message.read,
      flags: message.flags,
      internalDate: message.internalDate ?? message.receivedAt,
    });
    copied.from.push(message.uid);
    copied.to.push(copy.uid);
    copied.originals.push(message);
  }
  return copied;
}

export const copyUid = (session: ImapSession, copied: Copied) =>
  `[COPYUID ${session.ctx.store.uidValidity} ${compactSet(copied.from)} ${compactSet(copied.to)}]`;

/** COPY and UID COPY (RFC 3501 6.4.7, UIDPLUS RFC 4315): answers COPYUID. */
export const copy: ImapCommand = {
  states: ['selected'],
  async run(session, _tag, args, uid) {
    const result = await copyMessages(
      session,
      text(args[0], 'a message set'),
      text(args[1], 'mailbox name'),
      uid,
    );
    if (!('from' in result)) return result;
    const code = result.from.length ? `${copyUid(session, result)} ` : '';
    return ok(`${code}${uid ? 'UID COPY' : 'COPY'} completed`);
  },
};
