import { hasFlag, SYSTEM_FLAGS } from '../flags.js';
import { folderName } from '../folders.js';
import { flagsOf } from '../message.js';
import { text } from '../parser.js';
import type { ImapCommand, ImapSession, Reply } from '../session.js';
import { no, ok } from '../session.js';

async function open(
  session: ImapSession,
  tag: string,
  name: string,
  readOnly: boolean,
): Promise<Reply | undefined> {
  // A SELECT that fails leaves no mailbox selected (RFC 3501 6.3.1).
  session.deselect();
  const folder = folderName(name);
  if (await session.fault('imap-select', [folder, session.login], tag)) return undefined;
  const { store, folders } = session.ctx;
  if (!folders.exists(session.login, folder)) return no('[NONEXISTENT] No such mailbox');
  const mailbox = session.select(folders.view(session.login, folder), readOnly);
  const keywords = new Set<string>();
  let firstUnseen = 0;
  mailbox.ids.forEach((id, i) => {
    const message = store.get(id);
    if (!message) return;
    for (const flag of message.flags) if (!flag.startsWith('\\')) keywords.add(flag);
    if (!firstUnseen && !hasFlag(flagsOf(message), '\\Seen')) firstUnseen = i + 1;
  });
  const flags = [...SYSTEM_FLAGS, ...keywords].join(' ');
  session.send(`* FLAGS (${flags})`);
  session.send(
    readOnly
      ? '* OK [PERMANENTFLAGS ()] Read-only mailbox'
      : `* OK [PERMANENTFLAGS (${flags} \\*)] Flags permitted`,
  );
  session.send(`* ${mailbox.exists} EXISTS`);
  session.send('* 0 RECENT');
  if (firstUnseen) session.send(`* OK [UNSEEN ${firstUnseen}] First unseen`);
  session.send(`* OK [UIDVALIDITY ${store.uidValidity}] UIDs valid`);
  session.send(`* OK [UIDNEXT ${store.uidNext}] Predicted next UID`);
  return ok(`[READ-${readOnly ? 'ONLY' : 'WRITE'}] ${readOnly ? 'EXAMINE' : 'SELECT'} completed`);
}

/** SELECT (RFC 3501 6.3.1): opens a folder read-write; INBOX is the login's mail as POP3 sees it. */
export const select: ImapCommand = {
  states: ['authenticated', 'selected'],
  run: (session, tag, args) => open(session, tag, text(args[0], 'mailbox name'), false),
};

/** EXAMINE (RFC 3501 6.3.2): SELECT, read-only: no flag changes, nothing marked seen. */
export const examine: ImapCommand = {
  states: ['authenticated', 'selected'],
  run: (session, tag, args) => open(session, tag, text(args[0], 'mailbox name'), true),
};
