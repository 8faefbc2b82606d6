import addressparser from 'nodemailer/lib/addressparser';
import { INBOX } from '../../mailbox.js';
import { parseDateTime } from '../encode.js';
import { folderName } from '../folders.js';
import { parseFields } from '../mime.js';
import { ImapParseError, listOf, text } from '../parser.js';
import { type ImapCommand, no, ok } from '../session.js';
import { checkFlag } from './store.js';

/** The From address of a message's header, for the envelope sender of an appended message. */
function fromAddress(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  const from = parseFields(end === -1 ? raw : raw.subarray(0, end + 4)).find((f) => f.key === 'from');
  const first = from ? addressparser(from.value, { flatten: true })[0] : undefined;
  return first?.address ?? '';
}

/**
 * APPEND (RFC 3501 6.3.11, APPENDUID from RFC 4315): stores a message in a folder of the
 * login, to seed a mailbox in a test. It is stored like a delivery to the login (envelope
 * recipient the login's address, or SMTP username the login), so POP3 and HTTP see it too.
 */
export const append: ImapCommand = {
  states: ['authenticated', 'selected'],
  async run(session, _tag, args) {
    const folder = folderName(text(args[0], 'mailbox name'));
    let rest = args.slice(1);
    let flags: string[] = [];
    if (rest[0]?.type === 'list') {
      flags = listOf(rest[0]).map((t) => checkFlag(text(t, 'flag')));
      rest = rest.slice(1);
    }
    let date: Date | null = null;
    if (rest.length > 1) {
      const value = text(rest[0], 'date-time');
      date = parseDateTime(value);
      if (!date) throw new ImapParseError(`invalid date-time ${JSON.stringify(value)}`);
      rest = rest.slice(1);
    }
    const message = rest[0];
    if (message?.type !== 'string' || rest.length > 1)
      throw new ImapParseError('APPEND needs one message literal');
    if (!session.ctx.folders.exists(session.login, folder)) return no('[TRYCREATE] No such mailbox');
    if (message.value.length > session.ctx.maxMessageSize) return no('[TOOBIG] Message too large');
    // IMAP messages have CRLF line ends; a client that sends bare LFs gets them fixed.
    const raw = Buffer.from(message.value.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    const login = session.login;
    const stored = await session.ctx.store.ingest({
      raw,
      transport: 'imap',
      envelope: { mailFrom: fromAddress(raw), rcptTo: login.includes('@') ? [login] : [] },
      authUser: login,
      secure: session.secure,
      remoteAddress: session.remoteAddress,
      folder: folder === INBOX ? undefined : folder,
      read: flags.includes('\\Seen'),
      flags: flags.filter((f) => f !== '\\Seen'),
      ...(date ? { internalDate: date.toISOString() } : {}),
    });
    return ok(`[APPENDUID ${session.ctx.store.uidValidity} ${stored.uid}] APPEND completed`);
  },
};
