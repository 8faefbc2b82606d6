import { randomUUID } from 'node:crypto';
import type { EventLog } from '../events.js';
import type { MessageFilter, MessageSummary, MessageTransport, StoredMessage } from '../types.js';
import { addressParts } from './address.js';
import { compileFilter, type Filterable, isEmptyFilter, type Predicate } from './filter.js';
import { type ParsedFields, parseMessage } from './parse.js';
import type { MessageDirectory, PersistedMeta, StoreState } from './persist.js';
import { arrivalTags, normaliseTags } from './tags.js';

/** A message as it arrives from a protocol front end, before parsing. */
export interface IncomingMessage {
  raw: Buffer;
  transport: MessageTransport;
  envelope: { mailFrom: string; rcptTo: string[] };
  authUser: string | null;
  secure: boolean;
  remoteAddress: string | null;
  smtp?: StoredMessage['smtp'];
  mailgun?: StoredMessage['mailgun'];
  ses?: StoredMessage['ses'];
  /** IMAP APPEND, COPY and MOVE: where the message lands (default INBOX) and what it carries. */
  folder?: string;
  read?: boolean;
  flags?: string[];
  internalDate?: string;
}

export interface StoreLimits {
  maxMessages: number;
  maxAgeMs: number;
  maxBytes: number;
}

interface Entry extends Filterable {
  seq: number;
  receivedMs: number;
  /** The source, or null when it lives only in the store directory. */
  raw: Buffer | null;
  attachmentContents: Buffer[];
  /** Roughly what the entry holds in memory: source, decoded text, HTML and attachments. */
  weight: number;
}

interface Waiter {
  predicate: Predicate;
  afterSeq: number;
  resolve: (message: StoredMessage) => void;
  reject: (error: Error) => void;
}

export class WaitTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

export class InvalidCursorError extends Error {}

export interface ListResult {
  items: StoredMessage[];
  total: number;
  next: string | null;
}

/** The summary of a message that lists show. */
export function summarize(m: StoredMessage): MessageSummary {
  return {
    id: m.id,
    cursor: m.cursor,
    receivedAt: m.receivedAt,
    transport: m.transport,
    envelope: m.envelope,
    authUser: m.authUser,
    secure: m.secure,
    messageId: m.messageId,
    subject: m.subject,
    from: m.from,
    to: m.to,
    cc: m.cc,
    size: m.size,
    attachmentCount: m.attachments.length,
    snippet: m.text.slice(0, 300).replace(/\s+/g, ' ').trim().slice(0, 160),
    read: m.read,
    tags: m.tags,
  };
}

/** What can change on a stored message after it arrived. */
export interface MessageUpdate {
  /** Mailpit's Read, IMAP's \Seen. */
  read?: boolean;
  /** Replaces the tags; they are cleaned, deduplicated regardless of case and sorted. */
  tags?: string[];
  /** Replaces the IMAP flags other than \Seen (which is `read`). */
  flags?: string[];
}

/** The data of an `update` event: the message's summary as it now is, and what changed. */
export interface MessageUpdateEvent extends MessageSummary {
  /** The IMAP flags other than \Seen (which is `read`). */
  flags: string[];
  folder: string;
  uid: number;
  changed: Array<'read' | 'tags' | 'flags'>;
}

/**
 * Received messages, oldest first, bounded by count, age and bytes held. Cursors are sequence
 * numbers that only grow, so pruning and deleting never shift a client's position.
 */
export class MessageStore {
  private entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  private readonly waiters = new Set<Waiter>();
  private bytes = 0;
  private seq = 0;
  private readonly ageTimer: NodeJS.Timeout;
  /** IMAP UIDVALIDITY: when the UID numbering began (seconds), kept in the store directory. */
  uidValidity = Math.floor(Date.now() / 1000);
  /** The UID the next message gets. */
  uidNext = 1;

  constructor(
    private readonly limits: StoreLimits,
    private readonly events: EventLog,
    private readonly dir: MessageDirectory | null = null,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.ageTimer = setInterval(() => this.prune(), Math.max(1000, Math.min(limits.maxAgeMs, 60_000)));
    this.ageTimer.unref();
  }

  /** Loads the messages kept in the store directory. */
  async load(): Promise<void> {
    if (!this.dir) return;
    // Messages deleted before a restart leave no trace on disk, so the sequence restarts from
    // the clock (one number per millisecond, ahead of anything an earlier run could reach
    // unless it took in more than a message per millisecond for its whole life).
    this.seq = Math.max(this.seq, Date.now());
    const state = await this.dir.readState();
    if (state) {
      this.uidValidity = state.uidValidity;
      this.uidNext = state.uidNext;
    }
    const loaded = await this.dir.load();
    for (const { meta } of loaded) if (meta.uid) this.uidNext = Math.max(this.uidNext, meta.uid + 1);
    for (const { meta, raw } of loaded) {
      const parsed = await parseMessage(raw);
      const uidless = !meta.uid;
      const message = this.insert(uidless ? { ...meta, uid: this.uidNext++ } : meta, raw, parsed, false);
      if (uidless) this.writeMeta(message);
    }
    this.saveState();
    this.prune();
  }

  /** Parses and stores a message, and returns it once it is findable. */
  async ingest(incoming: IncomingMessage): Promise<StoredMessage> {
    const parsed = await parseMessage(incoming.raw);
    const seq = ++this.seq;
    const meta: PersistedMeta = {
      id: randomUUID().replace(/-/g, '').slice(0, 20),
      seq,
      receivedAt: new Date().toISOString(),
      transport: incoming.transport,
      envelope: incoming.envelope,
      authUser: incoming.authUser,
      secure: incoming.secure,
      remoteAddress: incoming.remoteAddress,
      ...(incoming.smtp ? { smtp: incoming.smtp } : {}),
      ...(incoming.mailgun ? { mailgun: incoming.mailgun } : {}),
      ...(incoming.ses ? { ses: incoming.ses } : {}),
      ...(incoming.read ? { read: true } : {}),
      uid: this.uidNext++,
      ...(incoming.flags?.length ? { flags: incoming.flags } : {}),
      ...(incoming.folder && incoming.folder !== 'INBOX' ? { folder: incoming.folder } : {}),
      ...(incoming.internalDate ? { internalDate: incoming.internalDate } : {}),
    };
    const message = this.insert(meta, incoming.raw, parsed, true);
    this.prune();
    return message;
  }

  private insert(meta: PersistedMeta, raw: Buffer, parsed: ParsedFields, fresh: boolean): StoredMessage {
    const { attachmentContents, ...fields } = parsed;
    const message: StoredMessage = {
      id: meta.id,
      cursor: String(meta.seq),
      receivedAt: meta.receivedAt,
      transport: meta.transport,
      envelope: meta.envelope,
      authUser: meta.authUser,
      secure: meta.secure,
      remoteAddress: meta.remoteAddress,
      ...(meta.smtp ? { smtp: meta.smtp } : {}),
      ...fields,
      size: raw.length,
      read: meta.read ?? false,
      tags:
        meta.tags ??
        arrivalTags({
          xTags: fields.headers['x-tags']?.replace(/\n/g, ','),
          from: fields.from,
          to: fields.to,
          cc: fields.cc,
          rcptTo: meta.envelope.rcptTo,
        }),
      ...(meta.mailgun ? { mailgun: meta.mailgun } : {}),
      ...(meta.ses ? { ses: meta.ses } : {}),
      uid: meta.uid ?? 0,
      flags: meta.flags ?? [],
      folder: meta.folder ?? 'INBOX',
      ...(meta.internalDate ? { internalDate: meta.internalDate } : {}),
    };
    const kept = this.dir ? null : raw;
    const entry: Entry = {
      seq: meta.seq,
      receivedMs: Date.parse(meta.receivedAt),
      message,
      recipients: meta.envelope.rcptTo.map(addressParts),
      raw: kept,
      attachmentContents,
      weight:
        (kept?.length ?? 0) +
        message.text.length +
        (message.html?.length ?? 0) +
        attachmentContents.reduce((sum, content) => sum + content.length, 0),
    };
    this.seq = Math.max(this.seq, meta.seq);
    // Sequence numbers are taken once parsing is done and the store directory loads sorted,
    // so entries stay in sequence order by appending.
    this.entries.push(entry);
    this.byId.set(message.id, entry);
    this.bytes += entry.weight;
    if (fresh) {
      const dir = this.dir;
      if (dir) {
        this.fileOp(meta.id, () =>
          dir.write(meta, raw).catch((error) => this.log(`store: cannot write ${meta.id}: ${error}`)),
        );
      }
      this.events.publish('message', summarize(message));
      for (const waiter of this.waiters) {
        if (entry.seq > waiter.afterSeq && waiter.predicate(entry)) {
          waiter.resolve(message);
        }
      }
    }
    return message;
  }

  /** Drops the oldest messages beyond the count, byte and age limits. */
  prune(): void {
    const oldestAllowed = Date.now() - this.limits.maxAgeMs;
    let drop = 0;
    let bytes = this.bytes;
    const count = this.entries.length;
    while (drop < count) {
      const entry = this.entries[drop]!;
      const over =
        count - drop > this.limits.maxMessages ||
        (bytes > this.limits.maxBytes && count - drop > 1) ||
        entry.receivedMs < oldestAllowed;
      if (!over) break;
      bytes -= entry.weight;
      drop++;
    }
    if (drop === 0) return;
    for (const entry of this.entries.splice(0, drop)) this.forget(entry, 'pruned');
  }

  private forget(entry: Entry, reason: 'pruned' | 'deleted'): void {
    this.byId.delete(entry.message.id);
    this.bytes -= entry.weight;
    this.removeFiles(entry.message.id);
    // The highest UID may be gone from disk now; the state file keeps the counter past it.
    this.saveState();
    this.events.publish('delete', { id: entry.message.id, reason });
  }

  private removeFiles(id: string): void {
    const dir = this.dir;
    if (dir) this.fileOp(id, () => dir.remove(id).catch(() => {}));
  }

  /**
   * Changes a message's read state, tags or flags, and publishes an `update` event when anything
   * changed; returns the message as it now is, or undefined for an unknown id. The stored object is replaced, not mutated, so a message handed out earlier
   * keeps what it said then.
   */
  update(id: string, change: MessageUpdate): StoredMessage | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    const before = entry.message;
    const read = change.read ?? before.read;
    const tags = change.tags ? normaliseTags(change.tags) : before.tags;
    const flags = change.flags ?? before.flags;
    const changed: MessageUpdateEvent['changed'] = [];
    if (read !== before.read) changed.push('read');
    if (!sameTags(tags, before.tags)) changed.push('tags');
    if (!sameTags(flags, before.flags)) changed.push('flags');
    if (changed.length === 0) return before;
    const message: StoredMessage = { ...before, read, tags, flags };
    entry.message = message;
    this.writeMeta(message);
    const event: MessageUpdateEvent = {
      ...summarize(message),
      flags,
      folder: message.folder,
      uid: message.uid,
      changed,
    };
    this.events.publish('update', event);
    return message;
  }

  private writeMeta(message: StoredMessage): void {
    const dir = this.dir;
    if (!dir) return;
    const meta = metaOf(message);
    this.fileOp(message.id, () =>
      dir.writeMeta(meta).catch((error) => this.log(`store: cannot write ${message.id}: ${error}`)),
    );
  }

  private stateQueued = false;
  /** Queues one write of the UID counter; changes made before it runs ride along. */
  private saveState(): void {
    const dir = this.dir;
    if (!dir || this.stateQueued) return;
    this.stateQueued = true;
    this.fileOp(STATE_KEY, async () => {
      this.stateQueued = false;
      const state: StoreState = { uidValidity: this.uidValidity, uidNext: this.uidNext };
      await dir.writeState(state).catch((error) => this.log(`store: cannot write its state: ${error}`));
    });
  }

  get(id: string): StoredMessage | undefined {
    return this.byId.get(id)?.message;
  }

  /** The raw source, from memory or from the store directory. */
  async raw(id: string): Promise<Buffer | undefined> {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    return entry.raw ?? (await this.dir!.readRaw(id));
  }

  attachment(
    id: string,
    index: number,
  ): { info: StoredMessage['attachments'][number]; content: Buffer } | undefined {
    const entry = this.byId.get(id);
    const info = entry?.message.attachments[index];
    const content = entry?.attachmentContents[index];
    return info && content ? { info, content } : undefined;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The cursor of the newest message ("0" when empty): wait with `after` set to it for what comes next. */
  cursor(): string {
    return String(this.seq);
  }

  /** Resolves a cursor, a message id, or a date into a sequence number. */
  resolveCursor(after: string | number | Date | undefined | null): number {
    if (after === undefined || after === null || after === '') return 0;
    if (after instanceof Date) {
      const ms = after.getTime();
      let seq = 0;
      for (const entry of this.entries) if (entry.receivedMs <= ms) seq = entry.seq;
      return seq;
    }
    if (typeof after === 'number' || /^\d+$/.test(after)) {
      const seq = Number(after);
      if (Number.isSafeInteger(seq) && seq >= 0) return seq;
    } else {
      const entry = this.byId.get(after);
      if (entry) return entry.seq;
    }
    throw new InvalidCursorError(`unknown cursor ${JSON.stringify(after)}`);
  }

  /** Matching messages, newest first. */
  query(filter: MessageFilter = {}): StoredMessage[] {
    const predicate = compileFilter(filter);
    const out: StoredMessage[] = [];
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i]!;
      if (predicate(entry)) out.push(entry.message);
    }
    return out;
  }

  /** One page of matching messages, newest first, strictly older than the `after` cursor. */
  list(filter: MessageFilter, page: { after?: string | undefined; limit: number }): ListResult {
    const predicate = compileFilter(filter);
    const before = page.after ? this.resolveCursor(page.after) : Number.POSITIVE_INFINITY;
    let i = this.entries.length - 1;
    if (Number.isFinite(before)) {
      // Binary search for the last entry older than the cursor.
      let lo = 0;
      let hi = this.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.entries[mid]!.seq < before) lo = mid + 1;
        else hi = mid;
      }
      i = lo - 1;
    }
    const items: StoredMessage[] = [];
    let more = false;
    for (; i >= 0; i--) {
      const entry = this.entries[i]!;
      if (!predicate(entry)) continue;
      if (items.length === page.limit) {
        more = true;
        break;
      }
      items.push(entry.message);
    }
    const total = isEmptyFilter(filter) ? this.entries.length : this.count(predicate);
    return { items, total, next: more ? items[items.length - 1]!.cursor : null };
  }

  private count(predicate: Predicate): number {
    let n = 0;
    for (const entry of this.entries) if (predicate(entry)) n++;
    return n;
  }

  /** The first matching message after the cursor, now or when it arrives; rejects with WaitTimeoutError. */
  waitFor(
    filter: MessageFilter,
    afterSeq: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<StoredMessage> {
    const predicate = compileFilter(filter);
    for (const entry of this.entries) {
      if (entry.seq > afterSeq && predicate(entry)) return Promise.resolve(entry.message);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        afterSeq,
        resolve: (message) => {
          cleanup();
          resolve(message);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const onAbort = () => waiter.reject(signal?.reason ?? new Error('aborted'));
      const timer = setTimeout(
        () =>
          waiter.reject(
            new WaitTimeoutError(`no message matching ${JSON.stringify(filter)} within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  delete(id: string): boolean {
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.forget(entry, 'deleted');
    return true;
  }

  /** Deletes every matching message (all of them for an empty filter); returns how many. */
  deleteMatching(filter: MessageFilter): number {
    if (isEmptyFilter(filter)) {
      const n = this.entries.length;
      this.clear();
      return n;
    }
    const predicate = compileFilter(filter);
    const keep: Entry[] = [];
    let n = 0;
    for (const entry of this.entries) {
      if (predicate(entry)) {
        this.forget(entry, 'deleted');
        n++;
      } else keep.push(entry);
    }
    this.entries = keep;
    return n;
  }

  /** Removes every message; cursors keep growing so old cursors stay valid. */
  clear(): void {
    const deleted = this.entries.length;
    for (const entry of this.entries) this.removeFiles(entry.message.id);
    this.entries = [];
    this.byId.clear();
    this.bytes = 0;
    this.saveState();
    this.events.publish('reset', { cursor: this.cursor(), deleted });
  }

  close(): void {
    clearInterval(this.ageTimer);
    for (const waiter of [...this.waiters]) waiter.reject(new Error('mock mail server closed'));
  }

  /** Resolves once every pending write and removal in the store directory has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  // Directory writes run in the background so SMTP answers fast; they are tracked so close() can wait.
  private readonly pending = new Set<Promise<unknown>>();
  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  // The files of one message are written, rewritten and removed in order, so a late write can
  // neither bring back a deleted message nor overwrite a newer read state with an older one.
  private readonly fileOps = new Map<string, Promise<void>>();
  private fileOp(id: string, work: () => Promise<void>): void {
    const next = (this.fileOps.get(id) ?? Promise.resolve()).then(work);
    this.fileOps.set(id, next);
    this.track(next);
    void next.finally(() => {
      if (this.fileOps.get(id) === next) this.fileOps.delete(id);
    });
  }
}

// Message ids are [\w-]+, so this key never collides with one.
const STATE_KEY = '.state';

const sameTags = (a: string[], b: string[]) => a.length === b.length && a.every((tag, i) => tag === b[i]);

/** What the store directory keeps beside a message's source. */
function metaOf(m: StoredMessage): PersistedMeta {
  return {
    id: m.id,
    seq: Number(m.cursor),
    receivedAt: m.receivedAt,
    transport: m.transport,
    envelope: m.envelope,
    authUser: m.authUser,
    secure: m.secure,
    remoteAddress: m.remoteAddress,
    ...(m.smtp ? { smtp: m.smtp } : {}),
    ...(m.mailgun ? { mailgun: m.mailgun } : {}),
    ...(m.ses ? { ses: m.ses } : {}),
    read: m.read,
    tags: m.tags,
    uid: m.uid,
    ...(m.flags.length ? { flags: m.flags } : {}),
    ...(m.folder !== 'INBOX' ? { folder: m.folder } : {}),
    ...(m.internalDate ? { internalDate: m.internalDate } : {}),
  };
}
