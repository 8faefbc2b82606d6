import type { StoredMessage } from '../../types.js';
import { internalDate, literal, type Piece } from '../encode.js';
import { changeFlags, flagsOf, internalDateOf } from '../message.js';
import type { MimeNode } from '../mime.js';
import { atom, ImapParseError, listOf, type Token, text } from '../parser.js';
import { parseSection, type Section, sectionContent } from '../sections.js';
import type { ImapCommand, ImapSession } from '../session.js';
import { ok } from '../session.js';
import { bodyStructure } from '../structure.js';

/** One requested fetch item. */
type Item =
  | { kind: 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' }
  | { kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | {
      kind: 'section';
      label: string;
      section: Section;
      peek: boolean;
      start: number | null;
      count: number | null;
    };

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const SIMPLE = new Set([
  'UID',
  'FLAGS',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODYSTRUCTURE',
  'BODY',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
]);

/** Parses the fetch items: a macro, one item, or a parenthesised list (RFC 3501 6.4.5). */
export function parseItems(token: Token | undefined): Item[] {
  if (!token) throw new ImapParseError('FETCH needs items');
  if (token.type === 'atom' && MACROS[token.value.toUpperCase()]) {
    return MACROS[token.value.toUpperCase()]!.map((kind) => ({ kind }) as Item);
  }
  const items = listOf(token).map((t): Item => {
    const value = text(t, 'a fetch item');
    const upper = value.toUpperCase();
    if (SIMPLE.has(upper)) return { kind: upper } as Item;
    const m = /^BODY(\.PEEK)?\[(.*)\](?:<(\d+)(?:\.(\d+))?>)?$/is.exec(value);
    if (!m) throw new ImapParseError(`unknown fetch item ${value}`);
    const spec = m[2]!;
    return {
      kind: 'section',
      label: `BODY[${spec}]`,
      section: parseSection(spec),
      peek: !!m[1],
      start: m[3] === undefined ? null : Number(m[3]),
      count: m[4] === undefined ? null : Number(m[4]),
    };
  });
  if (items.length === 0) throw new ImapParseError('FETCH needs items');
  return items;
}

// ENVELOPE is not among them: the cache keeps it once worked out.
const needsTree = (item: Item) =>
  item.kind === 'BODYSTRUCTURE' ||
  item.kind === 'BODY' ||
  item.kind === 'RFC822.HEADER' ||
  item.kind === 'RFC822.TEXT' ||
  (item.kind === 'section' && (item.section.path.length > 0 || item.section.text !== 'ALL'));

const setsSeen = (item: Item) =>
  item.kind === 'RFC822' || item.kind === 'RFC822.TEXT' || (item.kind === 'section' && !item.peek);

/** The response of one message: `* n FETCH (...)` with literals for the contents. */
async function respond(
  session: ImapSession,
  seq: number,
  message: StoredMessage,
  items: Item[],
  uid: boolean,
): Promise<Piece[] | null> {
  const { cache, store } = session.ctx;
  let current = message;
  let flagsChanged = false;
  if (!session.mailbox.readOnly && !current.read && items.some(setsSeen)) {
    // Reading a body marks the message seen (RFC 3501 6.4.5), for every face of the mock.
    if (!session.mailbox.ownChange(() => changeFlags(store, current, { add: ['\\Seen'] }))) return null;
    current = store.get(current.id) ?? current;
    flagsChanged = true;
  }
  let raw: Buffer | undefined;
  let tree: MimeNode | undefined;
  let envelopeText: string | undefined;
  if (items.some((item) => item.kind === 'ENVELOPE')) {
    envelopeText = await cache.envelope(message.id);
    if (envelopeText === undefined) return null;
  }
  if (items.some(needsTree)) {
    const parsed = await cache.tree(message.id);
    if (!parsed) return null;
    raw = parsed.raw;
    tree = parsed.tree;
  } else if (items.some((item) => item.kind === 'RFC822' || item.kind === 'section')) {
    raw = await cache.raw(message.id);
    if (!raw) return null;
  }
  const out: Piece[] = [];
  const add = (...pieces: Piece[]) => {
    if (out.length) out.push(' ');
    out.push(...pieces);
  };
  const kinds = new Set(items.map((item) => item.kind));
  // UID FETCH answers with the UID whether asked or not (RFC 3501 6.4.8).
  if (uid && !kinds.has('UID')) add(`UID ${current.uid}`);
  for (const item of items) {
    switch (item.kind) {
      case 'UID':
        add(`UID ${current.uid}`);
        break;
      case 'FLAGS':
        add(`FLAGS (${flagsOf(current).join(' ')})`);
        break;
      case 'INTERNALDATE':
        add(`INTERNALDATE ${internalDate(internalDateOf(current))}`);
        break;
      case 'RFC822.SIZE':
        add(`RFC822.SIZE ${current.size}`);
        break;
      case 'ENVELOPE':
        add(`ENVELOPE ${envelopeText!}`);
        break;
      case 'BODYSTRUCTURE':
        add(`BODYSTRUCTURE ${bodyStructure(tree!, true)}`);
        break;
      case 'BODY':
        add(`BODY ${bodyStructure(tree!, false)}`);
        break;
      case 'RFC822':
        add('RFC822 ', ...literal(raw!));
        break;
      case 'RFC822.HEADER':
        add('RFC822.HEADER ', ...literal(tree!.header));
        break;
      case 'RFC822.TEXT':
        add('RFC822.TEXT ', ...literal(tree!.body));
        break;
      case 'section': {
        const content = tree ? sectionContent(raw!, tree, item.section) : raw!;
        if (content === null) {
          add(`${item.label} NIL`);
          break;
        }
        if (item.start === null) {
          add(`${item.label} `, ...literal(content));
          break;
        }
        const end = item.count === null ? content.length : item.start + item.count;
        add(`${item.label}<${item.start}> `, ...literal(content.subarray(item.start, end)));
        break;
      }
    }
  }
  if (flagsChanged && !kinds.has('FLAGS')) add(`FLAGS (${flagsOf(current).join(' ')})`);
  return [`* ${seq} FETCH (`, ...out, ')\r\n'];
}

const BATCH_BYTES = 64 * 1024;

/** FETCH and UID FETCH (RFC 3501 6.4.5, 6.4.8). */
export const fetch: ImapCommand = {
  states: ['selected'],
  expunges: false,
  async run(session, tag, args, uid) {
    const set = atom(args[0], 'a message set');
    const items = parseItems(args[1]);
    if (await session.fault('imap-fetch', [session.login, session.mailbox.name], tag)) return undefined;
    const mailbox = session.mailbox;
    // Responses go out in batches of about BATCH_BYTES: one socket write for many small messages.
    let batch: Piece[] = [];
    let bytes = 0;
    for (const index of mailbox.indexes(set, uid)) {
      const id = mailbox.ids[index]!;
      const message = session.ctx.store.get(id);
      // A message deleted elsewhere and not yet reported expunged has nothing left to send.
      if (!message) continue;
      const pieces = await respond(session, index + 1, message, items, uid);
      if (!pieces) continue;
      for (const piece of pieces) {
        batch.push(piece);
        bytes += piece.length;
      }
      if (bytes >= BATCH_BYTES) {
        await session.sendPieces(batch);
        batch = [];
        bytes = 0;
      }
    }
    if (batch.length) await session.sendPieces(batch);
    return ok(`${uid ? 'UID FETCH' : 'FETCH'} completed`);
  },
};
