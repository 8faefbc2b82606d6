import type { MessageStore } from '../store/store.js';
import type { StoredMessage } from '../types.js';
import { applyFlags, type FlagChange, hasFlag } from './flags.js';
import { type MimeNode, parseMime } from './mime.js';
import { envelope } from './structure.js';

/** A message's IMAP flags: the store's shared read state is `\Seen`, the rest are kept as they are. */
export function flagsOf(message: StoredMessage): string[] {
  return message.read ? ['\\Seen', ...message.flags] : message.flags;
}

/** Applies a flag change to a stored message; returns the flags it now has, or null when it is gone. */
export function changeFlags(
  store: MessageStore,
  message: StoredMessage,
  change: FlagChange,
): string[] | null {
  const next = applyFlags(flagsOf(message), change);
  const read = hasFlag(next, '\\Seen');
  const updated = store.update(message.id, { read, flags: next.filter((f) => f !== '\\Seen') });
  return updated ? flagsOf(updated) : null;
}

/** INTERNALDATE: an APPEND's date or the copied message's, else when the message arrived. */
export function internalDateOf(message: StoredMessage): string {
  return message.internalDate ?? message.receivedAt;
}

const CACHE_SIZE = 64;
const CACHE_BYTES = 32 * 1024 * 1024;
/** ENVELOPEs kept (a few hundred bytes each), as Dovecot keeps them in its cache file. */
const ENVELOPES = 50_000;

/**
 * The raw sources and MIME trees of recently fetched messages: a client that fetches
 * BODYSTRUCTURE, then a part, then another, reads and parses the source once.
 */
export class MimeCache {
  private readonly entries = new Map<string, { raw: Buffer; tree: MimeNode | null }>();
  private readonly envelopes = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly store: MessageStore) {}

  private async entry(id: string) {
    let entry = this.entries.get(id);
    if (entry) {
      // Most recently used last.
      this.entries.delete(id);
      this.entries.set(id, entry);
      return entry;
    }
    const raw = await this.store.raw(id);
    if (!raw) return undefined;
    entry = { raw, tree: null };
    this.entries.set(id, entry);
    this.bytes += raw.length;
    // Oldest out first, while over either bound; the entry just read always stays.
    while (this.entries.size > 1 && (this.entries.size > CACHE_SIZE || this.bytes > CACHE_BYTES)) {
      const [oldest, dropped] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.bytes -= dropped.raw.length;
    }
    return entry;
  }

  async raw(id: string): Promise<Buffer | undefined> {
    return (await this.entry(id))?.raw;
  }

  /**
   * The ENVELOPE of a message, worked out once: a client that lists a mailbox asks for it on
   * every sync, and a message's source never changes. Oldest out first beyond ENVELOPES.
   */
  async envelope(id: string): Promise<string | undefined> {
    const known = this.envelopes.get(id);
    if (known !== undefined) return known;
    const parsed = await this.tree(id);
    if (!parsed) return undefined;
    const value = envelope(parsed.tree);
    this.envelopes.set(id, value);
    if (this.envelopes.size > ENVELOPES) this.envelopes.delete(this.envelopes.keys().next().value!);
    return value;
  }

  async tree(id: string): Promise<{ raw: Buffer; tree: MimeNode } | undefined> {
    const entry = await this.entry(id);
    if (!entry) return undefined;
    entry.tree ??= parseMime(entry.raw);
    return { raw: entry.raw, tree: entry.tree };
  }
}
