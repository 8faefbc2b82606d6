import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageTransport, SesMessageInfo, SmtpSessionFacts } from '../types.js';

/** What is kept beside each `.eml` file so a reloaded message keeps its envelope. */
export interface PersistedMeta {
  id: string;
  seq: number;
  receivedAt: string;
  transport: MessageTransport;
  envelope: { mailFrom: string; rcptTo: string[] };
  authUser: string | null;
  secure: boolean;
  remoteAddress: string | null;
  smtp?: SmtpSessionFacts;
  mailgun?: { domain: string; tags: string[]; variables: Record<string, string> };
  ses?: SesMessageInfo;
  /** Set once the message was marked read or unread; absent means unread. */
  read?: boolean;
  /** Set once the tags were changed; absent means the tags it arrived with. */
  tags?: string[];
  /** IMAP UID (absent in files written before UIDs: one is given at load). */
  uid?: number;
  /** IMAP flags other than \Seen; absent means none. */
  flags?: string[];
  /** IMAP folder; absent means INBOX. */
  folder?: string;
  internalDate?: string;
}

/** What the store keeps besides its messages: the IMAP UID counter, so no UID is ever reused. */
export interface StoreState {
  uidValidity: number;
  uidNext: number;
}

const SAFE_ID = /^[\w-]+$/;
// Not `.json`: load() reads every `.json` file as a message envelope.
const STATE_FILE = 'store.state';

/** A directory of `<id>.eml` sources with `<id>.json` envelopes. */
export class MessageDirectory {
  private ready: Promise<unknown>;

  constructor(readonly dir: string) {
    this.ready = mkdir(dir, { recursive: true });
  }

  private path(id: string, ext: 'eml' | 'json'): string {
    if (!SAFE_ID.test(id)) throw new Error(`unsafe message id ${JSON.stringify(id)}`);
    return join(this.dir, `${id}.${ext}`);
  }

  async write(meta: PersistedMeta, raw: Buffer): Promise<void> {
    await this.ready;
    await writeFile(this.path(meta.id, 'eml'), raw);
    await writeFile(this.path(meta.id, 'json'), JSON.stringify(meta));
  }

  /** Rewrites the envelope file alone, after a change of read state or tags. */
  async writeMeta(meta: PersistedMeta): Promise<void> {
    await this.ready;
    await writeFile(this.path(meta.id, 'json'), JSON.stringify(meta));
  }

  /** The store's state, or null when the directory has none yet (or an unreadable one). */
  async readState(): Promise<StoreState | null> {
    await this.ready;
    try {
      const state = JSON.parse(await readFile(join(this.dir, STATE_FILE), 'utf8')) as StoreState;
      return Number.isSafeInteger(state.uidValidity) && Number.isSafeInteger(state.uidNext) ? state : null;
    } catch {
      return null;
    }
  }

  async writeState(state: StoreState): Promise<void> {
    await this.ready;
    await writeFile(join(this.dir, STATE_FILE), JSON.stringify(state));
  }

  readRaw(id: string): Promise<Buffer> {
    return readFile(this.path(id, 'eml'));
  }

  async remove(id: string): Promise<void> {
    await Promise.all([
      rm(this.path(id, 'eml'), { force: true }),
      rm(this.path(id, 'json'), { force: true }),
    ]);
  }

  /** Every complete message in the directory, oldest first. */
  async load(): Promise<Array<{ meta: PersistedMeta; raw: Buffer }>> {
    await this.ready;
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.json'));
    const loaded: Array<{ meta: PersistedMeta; raw: Buffer }> = [];
    for (const name of names) {
      try {
        const meta = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as PersistedMeta;
        loaded.push({ meta, raw: await this.readRaw(meta.id) });
      } catch {
        // A half-written pair (the process died between the two writes) is skipped.
      }
    }
    return loaded.sort((a, b) => a.meta.seq - b.meta.seq);
  }
}
