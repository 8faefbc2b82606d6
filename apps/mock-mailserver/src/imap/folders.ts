import { INBOX, loginMatcher, maildropFilter } from '../mailbox.js';
import type { MessageStore } from '../store/store.js';
import type { StoredMessage } from '../types.js';

/** `inbox`, `Inbox` … all name INBOX (RFC 3501 5.1); other names are case-sensitive. */
export function folderName(name: string): string {
  return name.toUpperCase() === INBOX ? INBOX : name;
}

/** One folder of one login: what SELECT opens and STATUS counts. */
export interface FolderView {
  login: string;
  folder: string;
  includes(message: StoredMessage): boolean;
  /** Its messages, ascending by UID. */
  messages(): StoredMessage[];
}

/**
 * The folders of each login: INBOX, every folder a message of the login is in, and those created
 * (CREATE) in this run. Folders live on the messages, so one left empty disappears at restart.
 */
export class Folders {
  private readonly created = new Map<string, Set<string>>();

  constructor(private readonly store: MessageStore) {}

  private createdBy(login: string): Set<string> {
    const key = login.toLowerCase();
    let set = this.created.get(key);
    if (!set) {
      set = new Set();
      this.created.set(key, set);
    }
    return set;
  }

  /** INBOX first, then the others sorted. */
  list(login: string): string[] {
    const names = new Set<string>(this.createdBy(login));
    for (const m of this.store.query(maildropFilter(login))) names.add(m.folder);
    names.delete(INBOX);
    return [INBOX, ...[...names].sort()];
  }

  exists(login: string, name: string): boolean {
    const folder = folderName(name);
    return folder === INBOX || this.createdBy(login).has(folder) || this.list(login).includes(folder);
  }

  create(login: string, name: string): void {
    this.createdBy(login).add(folderName(name));
  }

  /** Forgets a created folder (its messages are the caller's to delete). */
  remove(login: string, name: string): void {
    this.createdBy(login).delete(folderName(name));
  }

  view(login: string, name: string): FolderView {
    const folder = folderName(name);
    const matches = loginMatcher(login);
    const store = this.store;
    return {
      login,
      folder,
      includes: (m) => m.folder === folder && matches(m),
      messages() {
        const out = store
          .query(maildropFilter(login))
          .filter((m) => m.folder === folder)
          .reverse();
        // UIDs follow arrival, as the store's order does; sort only if a reload mixed them.
        for (let i = 1; i < out.length; i++) {
          if (out[i]!.uid < out[i - 1]!.uid) return out.sort((a, b) => a.uid - b.uid);
        }
        return out;
      },
    };
  }
}
