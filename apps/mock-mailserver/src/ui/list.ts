import { compileSearch } from '../http/routes/mailpit/search-query.js';
import { partsOf } from '../http/routes/mailpit/shape.js';
import type { MessageStore } from '../store/store.js';
import type { StoredMessage } from '../types.js';

/** What the web page's list shows of one message: small, so 10,000 of them load at once. */
export interface UiRow {
  id: string;
  subject: string;
  /** The From header's name, else its address, else the envelope sender. */
  from: string;
  /** The envelope recipients. */
  to: string[];
  receivedAt: string;
  size: number;
  read: boolean;
  attachments: number;
  tags: string[];
  snippet: string;
}

/** One recipient mailbox (an envelope recipient, lower case) with how much mail it holds. */
export interface UiMailbox {
  address: string;
  count: number;
  unread: number;
}

export interface UiSelection {
  /** Mailpit's search syntax (`from:`, `is:read`, `has:attachment`, `"quoted phrase"` …). */
  search: string;
  /** An envelope recipient: a mailbox as POP3 and IMAP see it (`ann@x.org` includes `ann+tag@x.org`). */
  to: string;
  /** IANA zone for dates in `before:` / `after:`, the browser's. */
  tz?: string | undefined;
}

const SNIPPET_CHARS = 100;

export function rowOf(m: StoredMessage): UiRow {
  return {
    id: m.id,
    subject: m.subject,
    from: m.from?.name || m.from?.address || m.envelope.mailFrom,
    to: m.envelope.rcptTo,
    receivedAt: m.receivedAt,
    size: m.size,
    read: m.read,
    attachments: partsOf(m).attachments.length,
    tags: m.tags,
    snippet: m.text
      .slice(0, SNIPPET_CHARS * 3)
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, SNIPPET_CHARS),
  };
}

/** The messages a selection shows, newest first: the recipient's mailbox, narrowed by the search. */
export function selectMessages(store: MessageStore, selection: UiSelection): StoredMessage[] {
  const mailbox = store.query(selection.to ? { to: selection.to } : {});
  const search = selection.search.trim();
  return search ? mailbox.filter(compileSearch(search, { tz: selection.tz })) : mailbox;
}

/** Every envelope recipient with its message and unread counts, in address order. */
export function mailboxesOf(messages: StoredMessage[]): UiMailbox[] {
  const byAddress = new Map<string, UiMailbox>();
  for (const m of messages) {
    // A message to the same address twice counts once.
    for (const address of new Set(m.envelope.rcptTo.map((a) => a.toLowerCase()))) {
      const box = byAddress.get(address) ?? { address, count: 0, unread: 0 };
      byAddress.set(address, box);
      box.count++;
      if (!m.read) box.unread++;
    }
  }
  return [...byAddress.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/**
 * The page's list answer: one window of a selection's rows (`start`, `limit`), how many it
 * matched in all, and the mailbox-wide figures. The page asks for the windows it scrolls to.
 */
export function listForUi(
  store: MessageStore,
  selection: UiSelection,
  window: { start: number; limit: number },
) {
  const all = store.query();
  const selected = selection.search.trim() || selection.to ? selectMessages(store, selection) : all;
  let unread = 0;
  for (const m of all) if (!m.read) unread++;
  return {
    total: all.length,
    unread,
    matched: selected.length,
    start: window.start,
    rows: selected.slice(window.start, window.start + window.limit).map(rowOf),
    mailboxes: mailboxesOf(all),
  };
}
