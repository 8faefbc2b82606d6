import type { MessageStore } from '../../../store/store.js';
import type { StoredMessage } from '../../../types.js';
import { listItem } from './shape.js';

/** Mailbox-wide figures every list answer carries. */
export function mailboxStats(store: MessageStore): { total: number; unread: number; tags: string[] } {
  const all = store.query();
  let unread = 0;
  for (const m of all) if (!m.read) unread++;
  return { total: all.length, unread, tags: [...tagCounts(all).keys()] };
}

/** Every tag in use with how many messages carry it, in byte order (as Mailpit sorts). */
export function tagCounts(messages: StoredMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) for (const tag of m.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return new Map([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Mailpit's list answer (`MessagesSummary`) for one page of messages, newest first: `total` and
 * `unread` count the mailbox, `messages_count` and `messages_unread` what a search matched (the
 * mailbox again for a plain list, as in Mailpit), `count` the page.
 */
export function listAnswer(
  store: MessageStore,
  matched: StoredMessage[],
  page: { start: number; limit: number },
  searched: boolean,
) {
  const stats = mailboxStats(store);
  const messages =
    page.limit === 0 ? matched.slice(page.start) : matched.slice(page.start, page.start + page.limit);
  return {
    total: stats.total,
    unread: stats.unread,
    count: messages.length,
    messages_count: searched ? matched.length : stats.total,
    messages_unread: searched ? matched.reduce((n, m) => n + (m.read ? 0 : 1), 0) : stats.unread,
    start: page.start,
    tags: stats.tags,
    messages: messages.map(listItem),
  };
}
