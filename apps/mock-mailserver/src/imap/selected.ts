import type { EventLog, ServerEvent } from '../events.js';
import type { MessageStore, MessageUpdateEvent } from '../store/store.js';
import type { StoredMessage } from '../types.js';
import type { FolderView } from './folders.js';
import { flagsOf } from './message.js';
import { ImapParseError } from './parser.js';
import { parseSequenceSet, resolveSet } from './sequence.js';

/**
 * The selected mailbox of a session: its messages by sequence number, and what changed since
 * the client last heard (RFC 3501 5.2). Mail arriving over any protocol is announced with
 * EXISTS; mail deleted by anyone (IMAP, POP3, HTTP, pruning) with EXPUNGE, but only where an
 * EXPUNGE may be sent: never while a FETCH, STORE or SEARCH by sequence number runs. Flags
 * changed by anyone else (another session, Mailpit's read state) come as an untagged FETCH.
 */
export class SelectedMailbox {
  /** UIDs and message ids, in sequence-number order (index + 1). */
  uids: number[] = [];
  ids: string[] = [];
  private readonly members = new Set<string>();
  private added: StoredMessage[] = [];
  private readonly expunged = new Set<string>();
  /** Messages whose flags another session or face of the mock changed. */
  private readonly changed = new Set<string>();
  /** True while this session changes flags itself: it answers those in its own words. */
  private own = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: MessageStore,
    events: EventLog,
    readonly view: FolderView,
    readonly readOnly: boolean,
    /** Called when something is waiting to be told (so IDLE can tell it at once). */
    private readonly onChange: () => void,
  ) {
    for (const m of view.messages()) this.push(m);
    this.unsubscribe = events.subscribe((event) => this.onEvent(event));
  }

  get name(): string {
    return this.view.folder;
  }

  get exists(): number {
    return this.ids.length;
  }

  private push(m: StoredMessage): void {
    this.uids.push(m.uid);
    this.ids.push(m.id);
    this.members.add(m.id);
  }

  private onEvent({ type, data }: ServerEvent): void {
    if (type === 'message') {
      const message = this.store.get((data as { id: string }).id);
      if (message && this.view.includes(message)) {
        this.added.push(message);
        this.onChange();
      }
    } else if (type === 'update') {
      const { id, changed } = data as MessageUpdateEvent;
      // Tags are the mock's own (Mailpit's); IMAP sees read (\Seen) and the flags.
      if (this.own || !this.members.has(id) || (changed.length === 1 && changed[0] === 'tags')) return;
      this.changed.add(id);
      this.onChange();
    } else if (type === 'delete') {
      const id = (data as { id: string }).id;
      if (this.members.has(id)) {
        this.expunged.add(id);
        this.onChange();
      } else this.added = this.added.filter((m) => m.id !== id);
    } else if (type === 'reset') {
      for (const id of this.ids) this.expunged.add(id);
      this.added = [];
      if (this.expunged.size) this.onChange();
    }
  }

  /** Runs a flag change this session makes, so it is not told back to it as someone else's. */
  ownChange<T>(change: () => T): T {
    this.own = true;
    try {
      return change();
    } finally {
      this.own = false;
    }
  }

  /** Whether EXISTS, EXPUNGE or FETCH responses are waiting. */
  get pending(): boolean {
    return this.added.length > 0 || this.expunged.size > 0 || this.changed.size > 0;
  }

  /**
   * The untagged responses that bring the client up to date: EXPUNGEs (only when `expunges`),
   * then FETCH (FLAGS) for flags changed elsewhere, then EXISTS.
   */
  flush(expunges: boolean): string[] {
    const lines: string[] = [];
    if (expunges && this.expunged.size) {
      // Highest first, so each number is still right when the client reads it.
      for (let i = this.ids.length - 1; i >= 0; i--) {
        if (this.expunged.has(this.ids[i]!)) lines.push(`* ${i + 1} EXPUNGE`);
      }
      const keep = this.ids.map((id) => !this.expunged.has(id));
      this.uids = this.uids.filter((_, i) => keep[i]);
      this.ids = this.ids.filter((_, i) => keep[i]);
      for (const id of this.expunged) {
        this.members.delete(id);
        this.changed.delete(id);
      }
      this.expunged.clear();
    }
    if (this.changed.size) {
      // One pass over the mailbox, so marking thousands read costs no more than listing them.
      for (let i = 0; i < this.ids.length && this.changed.size; i++) {
        const id = this.ids[i]!;
        if (!this.changed.delete(id)) continue;
        const message = this.store.get(id);
        if (message && !this.expunged.has(id)) {
          lines.push(`* ${i + 1} FETCH (UID ${message.uid} FLAGS (${flagsOf(message).join(' ')}))`);
        }
      }
      this.changed.clear();
    }
    if (this.added.length) {
      for (const m of this.added) if (this.store.get(m.id)) this.push(m);
      this.added = [];
      lines.push(`* ${this.ids.length} EXISTS`);
    }
    return lines;
  }

  /**
   * The indexes of the messages a set names: UIDs (absent ones are skipped) or sequence
   * numbers (one past EXISTS is an error, RFC 3501 9 `seq-number`).
   */
  indexes(set: string, uid: boolean): number[] {
    const ranges = parseSequenceSet(set);
    if (uid) return resolveSet(ranges, this.uids);
    const n = this.ids.length;
    const out = new Set<number>();
    for (const [a, b] of ranges) {
      if ((a !== null && a > n) || (b !== null && b > n)) {
        throw new ImapParseError(`no message ${Math.max(a ?? 0, b ?? 0)}: the mailbox has ${n}`);
      }
      if (n === 0) continue;
      const x = a ?? n;
      const y = b ?? n;
      for (let i = Math.min(x, y); i <= Math.max(x, y); i++) out.add(i - 1);
    }
    return [...out].sort((p, q) => p - q);
  }

  /** Stops following the store. */
  close(): void {
    this.unsubscribe();
  }
}
